package pytorch

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seq2seq/transformer/train"
)

// importedMicro trains configs/micro.yaml for 10 steps, exports the result
// and imports it into a run directory of its own. It returns that
// directory, the imported weights' digest and the trained model.
func importedMicro(t *testing.T, dir string) (string, string, *train.Loaded) {
	t.Helper()
	cfg := microConfig(t, "out="+dir, "name=base", "data.dir="+filepath.Join(dir, "data1"),
		"train.steps=10", "train.eval_every=10", "train.save_every=10", "train.valid_bleu_sentences=0")
	res, err := train.Run(context.Background(), cfg, train.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := train.LoadModel(res.RunDir)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "model.safetensors")
	if _, err := Export(l, file, nil); err != nil {
		t.Fatal(err)
	}
	imported := filepath.Join(dir, "imported")
	if _, digest, err := Import(ImportOptions{Safetensors: file, Out: imported}); err != nil {
		t.Fatal(err)
	} else if digest != res.WeightsHash {
		t.Fatalf("imported digest %s, trained %s", digest, res.WeightsHash)
	}
	return imported, res.WeightsHash, l
}

// fineTuneConfig is configs/micro.yaml on a new toy corpus (seed 2)
// starting from the checkpoint at init.
func fineTuneConfig(t *testing.T, dir, name, init string, overrides ...string) *train.Config {
	t.Helper()
	base := []string{"out=" + dir, "name=" + name, "seed=2", "data.dir=" + filepath.Join(dir, "data2"),
		"train.init_from=" + init, "train.steps=6", "train.eval_every=3", "train.save_every=3",
		"train.valid_bleu_sentences=0"}
	return microConfig(t, append(base, overrides...)...)
}

// TestFineTuneFromImport trains from an imported checkpoint on new data
// (train.init_from): the run starts from exactly the imported weights and
// vocabularies, the weights then change, two runs are bitwise equal, and a
// run interrupted and resumed ends where an uninterrupted one does.
func TestFineTuneFromImport(t *testing.T) {
	if testing.Short() {
		t.Skip("fine-tuning trains; training runs skipped in -short mode")
	}
	dir := t.TempDir()
	imported, start, base := importedMicro(t, dir)

	s, err := train.NewSession(fineTuneConfig(t, dir, "probe", imported), train.Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	_, ps := s.Model()
	if got := train.WeightsDigest(ps); got != start {
		t.Errorf("fine-tuning starts from weights %s, want the imported %s", got, start)
	}
	c := s.Corpus()
	if !slices.Equal(c.Src.Tokens(), base.Src.Tokens()) || !slices.Equal(c.Tgt.Tokens(), base.Tgt.Tokens()) {
		t.Errorf("fine-tuning vocabularies (%d, %d types) are not the imported ones (%d, %d)",
			c.Src.Size(), c.Tgt.Size(), base.Src.Size(), base.Tgt.Size())
	}
	s.Close()

	run := func(name string, opt train.Options) *train.Result {
		t.Helper()
		res, err := train.Run(context.Background(), fineTuneConfig(t, dir, name, imported), opt)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res
	}
	a, b := run("tune-a", train.Options{}), run("tune-b", train.Options{})
	if a.Step != 6 || a.WeightsHash == start {
		t.Errorf("fine-tuning ended at step %d with weights %s, want step 6 and weights other than the start %s", a.Step, a.WeightsHash, start)
	}
	if a.WeightsHash != b.WeightsHash {
		t.Errorf("two fine-tuning runs gave weights %s and %s, want them equal", a.WeightsHash, b.WeightsHash)
	}
	run("tune-c", train.Options{Steps: 3})
	if c := run("tune-c", train.Options{Resume: true}); c.WeightsHash != a.WeightsHash || c.Step != 6 {
		t.Errorf("interrupted at 3 and resumed: step %d weights %s, want step 6 weights %s", c.Step, c.WeightsHash, a.WeightsHash)
	}
}

// TestFineTuneMismatch: a config whose model differs from the
// train.init_from checkpoint is refused with an error naming the key and
// the tensor or setting at fault.
func TestFineTuneMismatch(t *testing.T) {
	if testing.Short() {
		t.Skip("training runs skipped in -short mode")
	}
	dir := t.TempDir()
	imported, _, _ := importedMicro(t, dir)
	for _, tc := range []struct {
		name     string
		init     string
		override string
		want     []string
	}{
		{"d_ff", imported, "model.d_ff=64", []string{"train.init_from", "tensor encoder.0.ff.fc1", "[16 32] there, [16 64]"}},
		{"layers", imported, "model.decoder_layers=2", []string{"train.init_from", "no tensor decoder.1."}},
		{"untied", imported, "model.tie_embeddings=false", []string{"train.init_from", "no tensor generator"}},
		{"heads", imported, "model.heads=4", []string{"train.init_from", "2 attention heads", "model.heads is 4"}},
		{"missing", filepath.Join(dir, "nowhere"), "seed=2", []string{"train.init_from", "nowhere"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := train.NewSession(fineTuneConfig(t, dir, "bad", tc.init, tc.override), train.Options{DryRun: true})
			if err == nil {
				t.Fatal("NewSession succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
