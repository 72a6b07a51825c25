package train

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Set overrides the value at a dotted key such as "train.steps" with value,
// parsed as a YAML scalar with the same type checks as a config file. It does
// not re-validate the config: call Validate after the last override.
func (c *Config) Set(key, value string) error {
	field, err := fieldByKey(reflect.ValueOf(c).Elem(), key)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(value), &doc); err != nil {
		return &ConfigError{Key: key, Msg: fmt.Sprintf("cannot parse %q: %v", value, err)}
	}
	v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	if len(doc.Content) == 1 {
		v = doc.Content[0]
	}
	if msg := checkLeaf(v, field.Type()); msg != "" {
		return &ConfigError{Key: key, Msg: msg}
	}
	if err := v.Decode(field.Addr().Interface()); err != nil {
		return &ConfigError{Key: key, Msg: err.Error()}
	}
	return nil
}

// Override applies an assignment "key=value" with Set.
func (c *Config) Override(assignment string) error {
	key, value, ok := strings.Cut(assignment, "=")
	if !ok {
		return fmt.Errorf("config override %q: want key=value, e.g. train.steps=100", assignment)
	}
	return c.Set(strings.TrimSpace(key), strings.TrimSpace(value))
}

// fieldByKey finds the leaf field of the struct value v at a dotted key.
func fieldByKey(v reflect.Value, key string) (reflect.Value, error) {
	var path string
	for _, part := range strings.Split(key, ".") {
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, &ConfigError{Key: key, Msg: fmt.Sprintf("%s is a single value, not a group", path)}
		}
		f, ok := yamlFields(v.Type())[part]
		if !ok {
			return reflect.Value{}, &ConfigError{Key: key, Msg: "unknown key" + validKeysHint(v.Type(), path)}
		}
		v, path = v.FieldByIndex(f.Index), joinKey(path, part)
	}
	if v.Kind() == reflect.Struct {
		return reflect.Value{}, &ConfigError{Key: key, Msg: "is a group; set one of its keys" + validKeysHint(v.Type(), path)}
	}
	return v, nil
}
