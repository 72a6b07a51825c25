package train

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/seq2seq/transformer/train/checkpoint"
)

// dataDigestKey is the checkpoint.State.Extra key of the data files'
// digest (absent in checkpoints written before it existed).
const dataDigestKey = "data_sha256"

// dataDigest returns the SHA-256 of the data files at paths, in order, each
// preceded by its length so that moving text between files changes it.
func dataDigest(paths []string) (string, error) {
	h := sha256.New()
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return "", fmt.Errorf("digest %s: %w", p, err)
		}
		info, err := f.Stat()
		if err == nil {
			fmt.Fprintf(h, "%d\n", info.Size())
			_, err = io.Copy(h, f)
		}
		f.Close()
		if err != nil {
			return "", fmt.Errorf("digest %s: %w", p, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// warnResumeChanges warns, on resuming from st at path, about what changed
// since the checkpoint was written without making the run invalid: the
// data files (by digest) and the train (but train.steps), data and decode
// keys, named by their YAML keys.
func warnResumeChanges(log io.Writer, cfg *Config, st *checkpoint.State, c *Corpus, path string) {
	if old := st.Extra[dataDigestKey]; old != "" && c.Digest != "" && old != c.Digest {
		fmt.Fprintf(log, "warning: the data files in %s changed since %s was written (sha256 differs); the run continues on the new data\n", cfg.Data.Dir, path)
	}
	old, err := ParseConfig(st.Config, path+"/config.yaml")
	if err != nil {
		return
	}
	var diffs []string
	for _, d := range yamlDiff("train", old.Train, cfg.Train) {
		if !strings.HasPrefix(d, "train.steps ") { // --steps extends a run
			diffs = append(diffs, d)
		}
	}
	diffs = append(diffs, yamlDiff("data", old.Data, cfg.Data)...)
	diffs = append(diffs, yamlDiff("decode", old.Decode, cfg.Decode)...)
	if len(diffs) > 0 {
		fmt.Fprintf(log, "warning: resuming with config keys changed since %s: %s\n", path, strings.Join(diffs, ", "))
	}
}

// yamlDiff lists the fields of two structs of one type that differ, as
// "section.key old -> new" with their YAML key names.
func yamlDiff(section string, old, cur any) []string {
	ov, cv := reflect.ValueOf(old), reflect.ValueOf(cur)
	var out []string
	for i := 0; i < ov.NumField(); i++ {
		f := ov.Type().Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "" || key == "-" || !f.IsExported() {
			continue
		}
		a, b := ov.Field(i).Interface(), cv.Field(i).Interface()
		if !reflect.DeepEqual(a, b) {
			out = append(out, fmt.Sprintf("%s.%s %v -> %v", section, key, a, b))
		}
	}
	return out
}

// modelSectionError is the error of resuming with another model section,
// naming the YAML keys that differ.
func modelSectionError(path string, old, cur ModelConfig) error {
	return fmt.Errorf("resume %s: the config's model section differs from the checkpoint's: %s; a model's shape cannot change on resume (start a run under another name)",
		path, strings.Join(yamlDiff("model", old, cur), ", "))
}
