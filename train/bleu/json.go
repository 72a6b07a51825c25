package bleu

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// jsonField is one member of a JSON object: a raw key and an already
// encoded value.
type jsonField struct {
	key, value string
}

// JSON returns the object the sacrebleu command prints by default (without
// the final newline), byte for byte as Python's json.dumps(d, indent=1,
// ensure_ascii=False) writes it: name, score rounded to width decimals,
// signature, verbose_score, then one string field per signature field.
func (s Score) JSON(width int) ([]byte, error) {
	if width < 0 {
		return nil, fmt.Errorf("json: negative width %d", width)
	}
	rounded, err := strconv.ParseFloat(fixed(s.Score, width), 64)
	if err != nil {
		return nil, fmt.Errorf("json: round score: %w", err)
	}
	fields := []jsonField{
		{"name", pyJSONString("BLEU")},
		{"score", pyFloatRepr(rounded)},
		{"signature", pyJSONString(s.Signature)},
		{"verbose_score", pyJSONString(s.Verbose())},
	}
	sigFields, err := parseSignature(s.Signature)
	if err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	fields = append(fields, sigFields...)
	return encodeObject(fields), nil
}

// parseSignature splits "k1:v1|k2:v2" into string fields, as the sacrebleu
// command does; an empty signature gives no fields.
func parseSignature(sig string) ([]jsonField, error) {
	if sig == "" {
		return nil, nil
	}
	var fields []jsonField
	for _, part := range strings.Split(sig, "|") {
		key, value, ok := strings.Cut(part, ":")
		if !ok || strings.Contains(value, ":") {
			return nil, fmt.Errorf("signature field %q is not key:value", part)
		}
		fields = append(fields, jsonField{key, pyJSONString(value)})
	}
	return fields, nil
}

// encodeObject writes fields with Python's indent=1 layout.
func encodeObject(fields []jsonField) []byte {
	var b strings.Builder
	b.WriteString("{\n")
	for i, f := range fields {
		b.WriteString(" " + pyJSONString(f.key) + ": " + f.value)
		if i < len(fields)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}")
	return []byte(b.String())
}

// pyFloatRepr formats x like Python's repr(float): the shortest digits
// that round-trip, in fixed notation with at least one decimal when the
// decimal exponent is in [-4, 16), in exponent notation otherwise.
func pyFloatRepr(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "Infinity"
	case math.IsInf(x, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(x, 'e', -1, 64)
	exp, err := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if err != nil || exp < -4 || exp >= 16 {
		return e
	}
	f := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.Contains(f, ".") {
		f += ".0"
	}
	return f
}

// pyJSONString quotes s as Python's json.dumps with ensure_ascii=False:
// only the quote, the backslash and control characters are escaped.
func pyJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04x`, r)
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
