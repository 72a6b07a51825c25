package train

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// ConfigError is one problem with a config: the file (empty when the config
// did not come from one), the line (0 when unknown), the dotted key path and
// what is wrong.
type ConfigError struct {
	File string
	Line int
	Key  string
	Msg  string
}

// Error formats the problem as "config FILE: line N: KEY: MSG", leaving out
// the parts that are unknown.
func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	if e.Key != "" {
		b.WriteString(": " + e.Key)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// LoadConfig reads, decodes and validates the config file at path. It does
// not check that data files exist; call ValidateFiles for that.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return ParseConfig(data, path)
}

// ParseConfig decodes data, the text of the config file called name (used
// in errors only), strictly: malformed YAML, an unknown or duplicate key, a
// value of the wrong type, a missing required key or an invalid value is an
// error naming the file, the line and the key. Absent keys take their
// defaults. The result is validated with Validate but not ValidateFiles.
func ParseConfig(data []byte, name string) (*Config, error) {
	root, err := parseDocument(data, name)
	if err != nil {
		return nil, err
	}
	lines := map[string]int{}
	var errs []error
	checkMapping(root, reflect.TypeFor[Config](), "", name, lines, &errs)
	for _, k := range requiredKeys {
		if _, ok := lines[k]; !ok {
			errs = append(errs, &ConfigError{File: name, Line: root.Line, Key: k, Msg: "required key is missing"})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil {
		return nil, &ConfigError{File: name, Msg: err.Error()}
	}
	if err := cfg.validate(name, lines); err != nil {
		return nil, err
	}
	return cfg, nil
}

// parseDocument parses data into the mapping node of its single document.
func parseDocument(data []byte, name string) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ConfigError{File: name, Msg: "file is empty"}
		}
		return nil, &ConfigError{File: name, Msg: "malformed YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &ConfigError{File: name, Line: extra.Line, Msg: "more than one YAML document"}
	}
	root := resolveAlias(&doc)
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = resolveAlias(root.Content[0])
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ConfigError{File: name, Line: root.Line, Msg: "top level must be a mapping of keys"}
	}
	return root, nil
}

// resolveAlias follows YAML aliases (*name) to the node they stand for.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// checkMapping checks mapping node n against struct type t: every key known
// and given once, groups as mappings and leaves of the field's type. It
// records the line of every key path in lines and appends problems to errs.
func checkMapping(n *yaml.Node, t reflect.Type, prefix, file string, lines map[string]int, errs *[]error) {
	fields := yamlFields(t)
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		path := joinKey(prefix, k.Value)
		if first, dup := seen[k.Value]; dup {
			*errs = append(*errs, &ConfigError{File: file, Line: k.Line, Key: path, Msg: fmt.Sprintf("duplicate key (first given on line %d)", first)})
			continue
		}
		seen[k.Value] = k.Line
		f, ok := fields[k.Value]
		if !ok {
			*errs = append(*errs, &ConfigError{File: file, Line: k.Line, Key: path, Msg: "unknown key" + validKeysHint(t, prefix)})
			continue
		}
		lines[path] = k.Line
		if f.Type.Kind() != reflect.Struct {
			if msg := checkLeaf(v, f.Type); msg != "" {
				*errs = append(*errs, &ConfigError{File: file, Line: v.Line, Key: path, Msg: msg})
			}
			continue
		}
		switch {
		case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null":
			// An empty group keeps every default.
		case v.Kind != yaml.MappingNode:
			*errs = append(*errs, &ConfigError{File: file, Line: v.Line, Key: path, Msg: "must be a mapping of keys" + validKeysHint(f.Type, path)})
		default:
			checkMapping(v, f.Type, path, file, lines, errs)
		}
	}
}

// checkLeaf returns why node v cannot be a value of type t, or "".
func checkLeaf(v *yaml.Node, t reflect.Type) string {
	if v.Kind != yaml.ScalarNode {
		return "must be a single value, not a list or mapping"
	}
	tag := v.ShortTag()
	if tag == "!!null" {
		return "value is empty"
	}
	var want string
	ok := true
	switch t.Kind() {
	case reflect.Bool:
		want, ok = "true or false", tag == "!!bool"
	case reflect.Int:
		want, ok = "an integer", tag == "!!int"
	case reflect.Uint64:
		want, ok = "a non-negative integer", tag == "!!int"
	case reflect.Float64:
		want, ok = "a number", tag == "!!int" || tag == "!!float"
	case reflect.String:
		want = "a string"
	}
	if !ok {
		return fmt.Sprintf("%q is not %s", v.Value, want)
	}
	if err := v.Decode(reflect.New(t).Interface()); err != nil {
		return fmt.Sprintf("%q is not %s (out of range)", v.Value, want)
	}
	return ""
}

// yamlFields maps the YAML key of each field of struct type t to the field.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		if key := yamlKey(f); key != "" {
			out[key] = f
		}
	}
	return out
}

// yamlKeys lists the YAML keys of struct type t in field order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for _, f := range reflect.VisibleFields(t) {
		if key := yamlKey(f); key != "" {
			keys = append(keys, key)
		}
	}
	return keys
}

// yamlKey returns the YAML key of f, or "" when f is not decoded.
func yamlKey(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if key == "-" {
		return ""
	}
	return key
}

// validKeysHint lists the keys valid in group (the top level when group is
// empty) of struct type t.
func validKeysHint(t reflect.Type, group string) string {
	where := "at the top level"
	if group != "" {
		where = "in " + group
	}
	return fmt.Sprintf(" (valid keys %s: %s)", where, strings.Join(yamlKeys(t), ", "))
}

// joinKey joins a group path and a key with a dot.
func joinKey(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// Marshal returns the resolved config as YAML, every key present with its
// value or default (except an empty train.init_from), for saving beside a run. ParseConfig of the result gives
// the same config back.
func (c *Config) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("marshal config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshal config: %w", err)
	}
	return buf.Bytes(), nil
}
