package bleu

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// wmt17EnvVar names a JSON file {"reference": [...], "systems": {name:
// [...]}} holding the WMT17 en-de newstest2017 reference and the 16 system
// outputs that sacreBLEU ships as test/wmt17_en_de_systems.pkl.bz2. The
// data is not committed here; produce the file from a sacreBLEU checkout:
//
//	python3 -c 'import bz2, json, pickle; d = dict(pickle.load(bz2.BZ2File(
//	  "test/wmt17_en_de_systems.pkl.bz2"))); r = d.pop("reference")[0];
//	  json.dump({"reference": r, "systems": d}, open("wmt17.json", "w"))'
const wmt17EnvVar = "BLEU_WMT17_JSON"

// wmt17Golden holds, per system, the score printed by Moses'
// mteval-v13a.pl (from the MTEVAL table of sacreBLEU's test.sh, two
// decimals) and the full-precision score of sacreBLEU 2.6.0.
var wmt17Golden = []struct {
	system    string
	mteval    float64
	sacrebleu float64
}{
	{"newstest2017.C-3MA.4959.en-de", 22.67, 22.674635039470754},
	{"newstest2017.FBK.4870.en-de", 26.33, 26.3316213125408},
	{"newstest2017.KIT.4950.en-de", 26.08, 26.076033504662192},
	{"newstest2017.LIUM-NMT.4900.en-de", 26.6, 26.59580468309487},
	{"newstest2017.LMU-nmt-reranked.4934.en-de", 27.11, 27.106980632624293},
	{"newstest2017.LMU-nmt-single.4893.en-de", 26.56, 26.559243605505337},
	{"newstest2017.PROMT-Rule-based.4735.en-de", 16.61, 16.60860658592576},
	{"newstest2017.RWTH-nmt-ensemble.4921.en-de", 26.02, 26.02450077792544},
	{"newstest2017.SYSTRAN.4847.en-de", 26.71, 26.71131225643856},
	{"newstest2017.TALP-UPC.4834.en-de", 21.24, 21.240136329511696},
	{"newstest2017.online-A.0.en-de", 20.8, 20.796506153855994},
	{"newstest2017.online-B.0.en-de", 26.65, 26.651046216335573},
	{"newstest2017.online-F.0.en-de", 15.45, 15.451735600953818},
	{"newstest2017.online-G.0.en-de", 18.16, 18.158813584410634},
	{"newstest2017.uedin-nmt.4722.en-de", 28.3, 28.301225088283296},
	{"newstest2017.xmu.4910.en-de", 26.69, 26.688470044635626},
}

// TestWMT17 scores real WMT17 systems when BLEU_WMT17_JSON is set, and
// compares with mteval-v13a.pl (to 0.01, as sacreBLEU's test.sh does) and
// with sacreBLEU itself.
func TestWMT17(t *testing.T) {
	path := os.Getenv(wmt17EnvVar)
	if path == "" {
		t.Skipf("set %s to run against WMT17 en-de system outputs", wmt17EnvVar)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var wmt struct {
		Reference []string
		Systems   map[string][]string
	}
	if err := json.Unmarshal(data, &wmt); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	refs := [][]string{wmt.Reference}
	for _, g := range wmt17Golden {
		sc, err := Corpus(wmt.Systems[g.system], refs, Options{})
		if err != nil {
			t.Errorf("%s: Corpus: %v", g.system, err)
			continue
		}
		if math.Abs(math.Round(sc.Score*100)/100-g.mteval) > 0.01 {
			t.Errorf("%s: Score = %.4f, want mteval-v13a.pl's %.2f", g.system, sc.Score, g.mteval)
		}
		if math.Abs(sc.Score-g.sacrebleu) > floatTol {
			t.Errorf("%s: Score = %.12f, want sacreBLEU's %.12f", g.system, sc.Score, g.sacrebleu)
		}
	}
	checkWMT17Variants(t, wmt.Reference, wmt.Systems)
}

// checkWMT17Variants scores one system lowercased, untokenized and with a
// second system as an extra reference, against sacreBLEU 2.6.0.
func checkWMT17Variants(t *testing.T, ref []string, systems map[string][]string) {
	t.Helper()
	hyps := systems["newstest2017.C-3MA.4959.en-de"]
	tests := []struct {
		name string
		refs [][]string
		opt  Options
		want float64
	}{
		{"lowercase", [][]string{ref}, Options{Lowercase: true}, 23.174209081669847},
		{"tok none", [][]string{ref}, Options{Tokenize: "none"}, 17.72476584143154},
		{"two refs", [][]string{ref, systems["newstest2017.FBK.4870.en-de"]}, Options{}, 53.62492182151354},
	}
	for _, tt := range tests {
		sc, err := Corpus(hyps, tt.refs, tt.opt)
		if err != nil {
			t.Errorf("%s: Corpus: %v", tt.name, err)
			continue
		}
		if math.Abs(sc.Score-tt.want) > floatTol {
			t.Errorf("%s: Score = %.12f, want sacreBLEU's %.12f", tt.name, sc.Score, tt.want)
		}
	}
}
