package train

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// A batch skipped under train.on_nonfinite: skip has a NaN or infinite
// loss, and a diverging model may give a non-finite validation loss, but
// encoding/json refuses such numbers. Record therefore writes NaN, +Inf and
// -Inf in its float fields as the JSON strings "NaN", "+Inf" and "-Inf" and
// reads them back; finite values are plain JSON numbers as before.

// jsonFloat is a float64 whose non-finite values are JSON strings.
type jsonFloat float64

// MarshalJSON writes a finite value as a number and others as a string.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte(strconv.Quote(strconv.FormatFloat(x, 'g', -1, 64))), nil
	}
	return json.Marshal(x)
}

// UnmarshalJSON reads a number, or one of the strings MarshalJSON writes.
func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		var x float64
		if err := json.Unmarshal(b, &x); err != nil {
			return err
		}
		*f = jsonFloat(x)
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(math.IsNaN(x) || math.IsInf(x, 0)) {
		return fmt.Errorf("metrics value %q is neither a number nor NaN, +Inf or -Inf", s)
	}
	*f = jsonFloat(x)
	return nil
}

// finiteRecord reports whether every float of r is finite.
func finiteRecord(r *Record) bool {
	fin := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	return fin(r.Loss) && fin(r.LR) && fin(r.TokensPerS) && fin(r.GradNorm) &&
		(r.ValidLoss == nil || fin(*r.ValidLoss)) && (r.ValidBLEU == nil || fin(*r.ValidBLEU)) &&
		(r.ValidChrF == nil || fin(*r.ValidChrF)) && (r.GuidedLoss == nil || fin(*r.GuidedLoss))
}

// plainRecord is Record without its JSON methods.
type plainRecord Record

// recordJSON is a Record for encoding and decoding: its float fields, as
// jsonFloat, shadow the embedded ones of the same JSON names.
type recordJSON struct {
	plainRecord
	Loss       jsonFloat  `json:"loss"`
	LR         jsonFloat  `json:"lr"`
	TokensPerS jsonFloat  `json:"tokens_per_s"`
	GradNorm   jsonFloat  `json:"grad_norm"`
	ValidLoss  *jsonFloat `json:"valid_loss,omitempty"`
	ValidBLEU  *jsonFloat `json:"valid_bleu,omitempty"`
	ValidChrF  *jsonFloat `json:"valid_chrf,omitempty"`
	GuidedLoss *jsonFloat `json:"guided_loss,omitempty"`
}

// MarshalJSON encodes r as encoding/json would, except that non-finite
// floats become strings (see jsonFloat).
func (r Record) MarshalJSON() ([]byte, error) {
	if finiteRecord(&r) {
		return json.Marshal(plainRecord(r))
	}
	return json.Marshal(recordJSON{
		plainRecord: plainRecord(r),
		Loss:        jsonFloat(r.Loss), LR: jsonFloat(r.LR), TokensPerS: jsonFloat(r.TokensPerS), GradNorm: jsonFloat(r.GradNorm),
		ValidLoss: (*jsonFloat)(r.ValidLoss), ValidBLEU: (*jsonFloat)(r.ValidBLEU), ValidChrF: (*jsonFloat)(r.ValidChrF),
		GuidedLoss: (*jsonFloat)(r.GuidedLoss),
	})
}

// UnmarshalJSON decodes what MarshalJSON writes.
func (r *Record) UnmarshalJSON(b []byte) error {
	aux := recordJSON{plainRecord: plainRecord(*r)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*r = Record(aux.plainRecord)
	r.Loss, r.LR, r.TokensPerS, r.GradNorm = float64(aux.Loss), float64(aux.LR), float64(aux.TokensPerS), float64(aux.GradNorm)
	r.ValidLoss, r.ValidBLEU, r.ValidChrF = (*float64)(aux.ValidLoss), (*float64)(aux.ValidBLEU), (*float64)(aux.ValidChrF)
	r.GuidedLoss = (*float64)(aux.GuidedLoss)
	return nil
}
