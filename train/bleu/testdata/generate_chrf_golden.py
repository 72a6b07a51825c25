#!/usr/bin/env python3
"""Regenerates chrf.json and chrf_cli.json from sacreBLEU's own chrF.

Usage (sacreBLEU's source tree on PYTHONPATH; the recorded run used
sacreBLEU 2.6.0, commit f615c72 of github.com/mjpost/sacrebleu, Python
3.11):

    PYTHONPATH=/path/to/sacrebleu python3 generate_chrf_golden.py

A bare source checkout lacks the sacrebleu/version.py its build writes;
create it holding __version__ = "2.6.0".

sacreBLEU imports portalocker, tabulate and numpy at start-up although chrF
and the single-system command never use them; when they are not installed
this script puts empty stand-in modules on the path (for itself and the
sacrebleu command it runs). Random cases use a fixed seed. The version in
signatures is replaced by the Go scorer's version string, the only
intended difference.
"""

import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile

GO_VERSION = "go-seq2seq-1.0"
HERE = os.path.dirname(os.path.abspath(__file__))
STUBS = {
    "portalocker": "",
    "tabulate": "def tabulate(*args, **kwargs):\n    return ''\n",
    "numpy": "",
    "lxml": "",
    "lxml.etree": "",
}


def stub_missing(d):
    """Writes a stand-in for every missing module into d; returns d."""
    for name, body in STUBS.items():
        top = name.split(".")[0]
        if importlib.util.find_spec(top) is not None and not os.path.isdir(os.path.join(d, top)):
            continue
        if "." in name or any(k.startswith(name + ".") for k in STUBS):
            pkg = os.path.join(d, *name.split("."))
            os.makedirs(pkg, exist_ok=True)
            path = os.path.join(pkg, "__init__.py")
        else:
            path = os.path.join(d, name + ".py")
        with open(path, "w") as f:
            f.write(body)
    return d


STUB_DIR = stub_missing(tempfile.mkdtemp())
sys.path.append(STUB_DIR)

import sacrebleu  # noqa: E402
from sacrebleu.metrics import CHRF  # noqa: E402

PY_VERSION = sacrebleu.__version__

WORDS = [
    "the", "The", "cat", "sat", "on", "a", "mat", "dog", "Haus", "Straße",
    "STRASSE", "ΟΔΟΣ", "οδος", "İstanbul", "naïve", "café", "cafe\u0301",
    "日本語", "中文。", "😀", "ﬁne", "Ⅻ", "end.", "end,", "(x)", "don't",
    "1,000", "e.g.", "--", "a-b", "Σ", "ß", "I", "i",
]
SPACES = [" ", "  ", "\t", "\u3000", "\u00a0", " \n "]

# test_chrf.py of sacreBLEU: (hypotheses, references, expected score).
OWN_TESTS = [
    (["abcdefg"], ["hijklmnop"]), (["a"], ["b"]), ([""], ["b"]), ([""], ["ref"]),
    ([""], ["reference"]), (["aa"], ["ab"]), (["a", "b"], ["a", "c"]), (["a"], ["a"]),
    (["a b c"], ["a b c"]), (["a b c"], ["abc"]),
    ([" risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."],
     ["risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."]),
    ([" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "],
     ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."]),
    (["Niemand hat die Absicht, eine Mauer zu errichten"], ["Niemand hat die Absicht, eine Mauer zu errichten"]),
    (["Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře."],
     ["Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."]),
    (["Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři."],
     ["A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři."]),
    (["Lapali po dechu, jejich životy skončily dřív, než skutečně začaly."],
     ["Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli."]),
]

OPTIONS = [
    {},
    {"word_order": 2},
    {"whitespace": True},
    {"lowercase": True},
    {"beta": 1},
    {"char_order": 3, "word_order": 1, "beta": 3},
]


def sentence(rng):
    n = rng.randint(0, 9)
    out = ""
    for i in range(n):
        if i:
            out += rng.choice(SPACES)
        out += rng.choice(WORDS)
    if rng.random() < 0.2:
        out = rng.choice(SPACES) + out
    return out


def mutate(rng, s):
    words = s.split(" ")
    rng.shuffle(words)
    if words and rng.random() < 0.5:
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def score_case(hyps, refs, opts):
    """refs is a list of reference streams."""
    m = CHRF(**opts)
    corpus = m.corpus_score(hyps, refs)
    sent = [CHRF(**opts).sentence_score(h, [r[i] for r in refs]).score
            for i, h in enumerate(hyps)]
    sig = m.get_signature().format().replace(f"version:{PY_VERSION}", f"version:{GO_VERSION}")
    return {
        "options": opts, "hyps": hyps, "refs": refs,
        "corpus": corpus.score, "sentences": sent, "signature": sig,
        "text": corpus.format(width=2, signature=sig),
    }


def api_cases(rng):
    cases = []
    for hyps, refs in OWN_TESTS:
        cases.append(score_case(hyps, [refs], {}))
    for opts in OPTIONS:
        for _ in range(6):
            n = rng.randint(1, 5)
            refs1 = [sentence(rng) for _ in range(n)]
            hyps = [mutate(rng, r) if rng.random() < 0.7 else sentence(rng) for r in refs1]
            streams = [refs1]
            if rng.random() < 0.4:
                streams.append([mutate(rng, r) for r in refs1])
            cases.append(score_case(hyps, streams, opts))
    return cases


def run_cli(args, refs, stdin):
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for i, content in enumerate(refs):
            p = os.path.join(d, f"ref{i}.txt")
            with open(p, "wb") as f:
                f.write(content.encode("utf-8"))
            paths.append(p)
        full = list(args)
        for i, p in enumerate(paths):
            full = [a.replace("{REF%d}" % i, p) for a in full]
        env = dict(os.environ, NO_COLOR="1")
        env.pop("SACREBLEU_FORMAT", None)
        env["PYTHONPATH"] = os.pathsep.join([env.get("PYTHONPATH", ""), STUB_DIR])
        proc = subprocess.run([sys.executable, "-m", "sacrebleu", *full],
                              input=stdin.encode("utf-8"), capture_output=True, env=env, cwd=d)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.decode())
        out = proc.stdout.decode("utf-8")
        for old, new in [(f"version:{PY_VERSION}", f"version:{GO_VERSION}"),
                         (f'"version": "{PY_VERSION}"', f'"version": "{GO_VERSION}"'),
                         (f"v:{PY_VERSION}", f"v:{GO_VERSION}")]:
            out = out.replace(old, new)
        return out


def cli_cases():
    ref = "The cat sat on the mat.\nHello world!\nIt costs $1,000.50 (approx.).\n"
    hyp = "The cat sat on a mat.\nHello, world!\nIt costs $1,000 (approx).\n"
    ref2 = "A cat was on the mat.\nHi world!\nThe price is $1,000.50.\n"
    specs = [
        ("chrf_json", ["{REF0}", "-m", "chrf"], [ref], hyp),
        ("bleu_chrf_json", ["{REF0}", "-m", "bleu", "chrf"], [ref], hyp),
        ("chrf_bleu_text", ["{REF0}", "-f", "text", "-m", "chrf", "bleu"], [ref], hyp),
        ("bleu_chrf_text_short", ["{REF0}", "-f", "text", "--short", "-m", "bleu", "chrf"], [ref], hyp),
        ("bleu_chrf_score_only", ["{REF0}", "-b", "-m", "bleu", "chrf"], [ref], hyp),
        ("bleu_chrf_score_only_text", ["{REF0}", "-b", "-f", "text", "-m", "bleu", "chrf"], [ref], hyp),
        ("chrf_w3_multi_ref", ["{REF0}", "{REF1}", "-w", "3", "-m", "chrf"], [ref, ref2], hyp),
        ("chrf_plusplus_text", ["{REF0}", "-f", "text", "-m", "chrf", "-cw", "2"], [ref], hyp),
        ("chrf_options_text", ["{REF0}", "-f", "text", "-m", "chrf", "--chrf-lowercase",
                               "--chrf-whitespace", "-cc", "4", "--chrf-beta", "1"], [ref], hyp.upper()),
        ("chrf_lc_is_bleu_only", ["{REF0}", "-f", "text", "-lc", "-m", "bleu", "chrf"], [ref], hyp.upper()),
    ]
    return [{"name": n, "args": a, "refs": r, "stdin": s, "stdout": run_cli(a, r, s)}
            for n, a, r, s in specs]


def write(name, cases):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write('{"sacrebleu_version": %s, "cases": [\n' % json.dumps(PY_VERSION))
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]}\n")


def main():
    rng = random.Random(11)
    write("chrf.json", api_cases(rng))
    write("chrf_cli.json", cli_cases())


if __name__ == "__main__":
    main()
