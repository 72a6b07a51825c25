#!/usr/bin/env python3
"""Regenerates the golden files in this directory from sacreBLEU itself.

Usage (sacreBLEU 2.x importable, e.g. `pip install sacrebleu`, or its source
tree on PYTHONPATH; the run recorded in the files used sacreBLEU 2.6.0,
commit f615c72, on Python 3.11):

    python3 generate_golden.py

It writes tokenizer_13a.json, lower.json, corpus.json and cli.json. The
random cases use a fixed seed, so the output is reproducible. Signatures
and CLI output have sacreBLEU's version replaced by the Go scorer's
version string, which is the only intended difference.
"""

import json
import os
import random
import subprocess
import sys
import tempfile

import sacrebleu
from sacrebleu.metrics import BLEU
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

GO_VERSION = "go-seq2seq-1.0"
PY_VERSION = sacrebleu.__version__
HERE = os.path.dirname(os.path.abspath(__file__))

WORDS = [
    "the", "The", "THE", "cat", "Cat", "sat", "on", "a", "mat", "dog", "bit",
    "man", "him", "first", "was", "not", "it", "It", "Haus", "Straße",
    "STRASSE", "ΟΔΟΣ", "οδος", "ΣΑΣ", "Σ", "ὈΔΥΣΣΕΎΣ", "İstanbul", "istanbul",
    "ǅemal", "naïve", "café", "cafe\u0301", "日本語", "中文。", "😀", "Ω",
    "ﬁne", "Ⅻ", "ⅻ", "ÆØÅ", "ı", "I", "i",
]
PUNCT = [
    "end.", "end,", "3.5", "1,000", "10-20", "5-", "-5", "a-b", "U.S.",
    "e.g.", "...", "--", "'s", "don't", "(x)", "[y]", "{z}", '"q"', "a/b",
    "#tag", "@user", "$100", "100%", "a&b", "&amp;", "&quot;", "&lt;",
    "&gt;", "&amp;lt;", "&amp", "<skipped>", "x<skipped>y", "„Zitat“",
    "«guill»", "—", "–", "…", "·", "¿qué?", "¡sí!", ",5", ".5", "5.", "5,",
    "a.b", "1.a", "a.1", "1.2.3", "1,2,3", "9-", "-", ".", ",", "?!", "^_^",
    "~", "`x`", "|", "\\", "*", "+", "=", ";", ":", "<", ">", "x.,y", ".,",
    "٣.٥", "३-४", "１.２",
]
NUMBERS = ["1", "2", "42", "2024", "0", "007", "3"]
SEPS = [" "] * 30 + ["\t", "  ", "\u00a0", "\u3000", "\x1c", "\u2028",
                     "\x85", "\u200b", "\ufeff", "\r", "\x0b", "\x0c"]
API_SEPS = SEPS + ["\n", "-\n"]


def rand_token(rng):
    pool = rng.choice([WORDS, WORDS, PUNCT, NUMBERS])
    return rng.choice(pool)


def rand_tokens(rng, n):
    return [rand_token(rng) for _ in range(n)]


def join(rng, tokens, seps):
    out = ""
    for i, t in enumerate(tokens):
        if i:
            out += rng.choice(seps)
        out += t
    if rng.random() < 0.1:
        out = rng.choice(seps) + out
    if rng.random() < 0.1:
        out += rng.choice(seps)
    return out


def mutate(rng, tokens):
    out = []
    for t in tokens:
        r = rng.random()
        if r < 0.65:
            out.append(t)
        elif r < 0.75:
            out.append(rand_token(rng))
        elif r < 0.82:
            continue
        elif r < 0.9:
            out.extend([t, rand_token(rng)])
        else:
            out.append(t.swapcase())
    if rng.random() < 0.15:
        rng.shuffle(out)
    return out


def rand_corpus(rng, seps):
    n_seg = rng.choice([1, 1, 2, 3, 5, 8])
    n_refs = rng.choice([1, 1, 1, 2, 3, 4])
    hyps, refs = [], [[] for _ in range(n_refs)]
    for _ in range(n_seg):
        base = rand_tokens(rng, rng.choice([0, 1, 2, 3, 5, 8, 12, 20]))
        for r in range(n_refs):
            refs[r].append(join(rng, mutate(rng, base) if r else base, seps))
        kind = rng.random()
        if kind < 0.07:
            hyp = ""
        elif kind < 0.15:
            hyp = join(rng, rand_tokens(rng, rng.randint(1, 10)), seps)
        else:
            hyp = join(rng, mutate(rng, base), seps)
        hyps.append(hyp)
    return hyps, refs


def score_case(name, hyps, refs, tokenize="13a", lowercase=False, formats=True):
    bleu = BLEU(tokenize=tokenize, lowercase=lowercase)
    stats = bleu._extract_corpus_statistics(hyps, refs)
    total = [sum(col) for col in zip(*stats)]
    score = bleu.corpus_score(hyps, refs)
    sig = bleu.get_signature().format().replace(
        f"version:{PY_VERSION}", f"version:{GO_VERSION}")
    case = {
        "name": name,
        "hyps": list(hyps),
        "refs": [list(r) for r in refs],
        "tokenize": tokenize,
        "lowercase": lowercase,
        "hyp_len": total[0],
        "ref_len": total[1],
        "correct": total[2:6],
        "total": total[6:10],
        "score": score.score,
        "precisions": score.precisions,
        "bp": score.bp,
        "ratio": score.ratio,
        "signature": sig,
        "verbose": score._verbose,
        "text2": score.format(width=2),
    }
    if formats:
        case["signed_text1"] = score.format(width=1, signature=sig)
        case["json"] = {str(w): score.format(width=w, signature=sig, is_json=True)
                        for w in (1, 4)}
    return case


README_HYPS = [
    "The dog bit the man.",
    "It wasn't surprising.",
    "The man had just bitten him.",
]
README_REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]


def edge_cases():
    c = []
    add = lambda *a, **k: c.append(score_case(*a, **k))
    add("readme_multi_ref", README_HYPS, README_REFS)
    add("readme_multi_ref_none", README_HYPS, README_REFS, tokenize="none")
    add("readme_multi_ref_lc", README_HYPS, README_REFS, lowercase=True)
    add("readme_first_ref_only", README_HYPS, README_REFS[:1])
    add("all_empty_hyps", ["", "", ""], README_REFS)
    add("empty_hyp_and_ref", [""], [[""]])
    add("whitespace_only", ["  \t "], [[" \u3000 "]])
    add("empty_ref", ["a b c"], [[""]])
    add("empty_hyp_nonempty_ref", [""], [["a b c"]])
    add("identical", ["this is a test"], [["this is a test"]])
    add("one_token_match", ["a"], [["a"]])
    add("two_tokens_match", ["a b"], [["a b"]])
    add("three_tokens_match", ["a b c"], [["a b c"]])
    add("unigram_only_match", ["a b c d e"], [["e d c b a"]])
    add("no_match", ["this is a cat"], [["okay thanks"]])
    add("zero_fourgram_match", ["a b c x d e f"], [["a b c y d e f"]])
    add("zero_trigram_and_fourgram", ["a b x c d y e f"], [["a b p c d q e f"]])
    add("hyp_longer", ["the cat sat on the mat today again"], [["the cat sat on the mat"]])
    add("hyp_shorter", ["the cat"], [["the cat sat on the mat"]])
    add("closest_ref_tie_shorter", ["a b c d e"], [["a b c"], ["a b c d e f g"]])
    add("closest_ref_tie_order", ["a b c d e"], [["a b c d e f g"], ["a b c"]])
    add("closest_ref_exact", ["a b c d"], [["a b"], ["a b c d"], ["a b c d e f"]])
    add("clipping", ["the the the the the the the"], [["the cat is on the mat"]])
    add("clipping_multi_ref_max", ["the the the the"], [["the cat the"], ["the the the dog"]])
    add("issue_141", ["this is a test", "another test"], [["ref1", "ref2"]])
    add("fest", ["this is a fest"], [["this is a test"]])
    add("offset", ["am I am a character sequence"], [["I am a symbol string sequence a a"]])
    add("sentence_bleu_98",
        ["Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"],
        [["producţia de zahăr brut se exprimă în zahăr alb;"]])
    add("punct_digits", ["It costs $1,000.50 (approx.) - 10-20% off!"],
        [["It costs $1,000.50 (approx.) -- 10-20 % off !"]])
    add("entities", ["&quot;Tom &amp; Jerry&quot; &lt;3 &amp;lt; x"], [['"Tom & Jerry" <3 < x']])
    add("skipped_and_newlines", ["a<skipped> b-\nc d\ne"], [["a bc d e"]])
    add("unicode_mixed", ["Größe 日本語 😀 café", "ΟΔΟΣ İstanbul"], [["größe 日本語 😀 cafe\u0301", "οδος istanbul"]])
    add("unicode_mixed_lc", ["Größe 日本語 😀 café", "ΟΔΟΣ İstanbul"], [["größe 日本語 😀 cafe\u0301", "οδος istanbul"]], lowercase=True)
    add("final_sigma_lc", ["ΣΑΣ ΟΔΟΣ Σ"], [["σασ οδος σ"]], lowercase=True)
    add("final_sigma_lc2", ["ΣΑΣ ΟΔΟΣ Σ"], [["σας οδος σ"]], lowercase=True)
    add("dotted_i_lc", ["İi Iı"], [["i̇i iı"]], lowercase=True)
    add("case_sensitive", ["The Cat"], [["the cat"]])
    add("case_insensitive", ["The Cat"], [["the cat"]], lowercase=True)
    add("none_tokenizer_punct", ["Hello, world!"], [["Hello , world !"]], tokenize="none")
    add("13a_tokenizer_punct", ["Hello, world!"], [["Hello , world !"]])
    add("odd_whitespace", ["a\u00a0b\x1cc\u2028d\x85e\u200bf"], [["a b c d e\u200bf"]])
    add("trailing_whitespace", ["a b c \t\u3000"], [["a b c"]])
    add("long_sentence", [" ".join(str(i % 7) for i in range(200))], [[" ".join(str(i % 5) for i in range(180))]])
    add("many_refs", ["a b c d"], [["a b"], ["c d"], ["a b c"], ["b c d"], ["x"]])
    add("zero_total_higher_order", ["a", "b"], [["a", "b"]])
    add("variable_lengths", ["a", "a b c d e f g h"], [["a b", "a b c d e f g h"]])
    return c


def random_cases(rng, n):
    cases = []
    for i in range(n):
        hyps, refs = rand_corpus(rng, API_SEPS)
        tok = rng.choice(["13a", "13a", "13a", "none"])
        lc = rng.random() < 0.3
        cases.append(score_case(f"random_{i:03d}", hyps, refs, tokenize=tok,
                                lowercase=lc, formats=False))
    return cases


TOKENIZER_CASES = [
    "", " ", "Hello, world!", "Hello , world !", "It's 3.5 or 1,000.", "5-6", "a-b",
    "10-20%", "-5", "x-", "1.a", "a.1", "a.b", "1.2.3", "U.S.A.", "e.g., this", "...",
    "a...b", "a,,b", "1,,2", ".,", ",.", "x.,y", ".5", "5.", ",5", "5,", "$100", "#1",
    "(a)[b]{c}", "a/b\\c", "a|b~c^d_e`f", "'quoted'", '"double"', "a&b", "&amp;",
    "&quot;x&quot;", "&lt;tag&gt;", "&amp;lt;", "&amp", "&AMP;", "<skipped>",
    "a<skipped>b", "<SKIPPED>", "hyphen-\nated", "line\nbreak", "tab\tsep",
    "cr\rreturn", "\u00a0nbsp\u00a0", "ideo\u3000space", "zero\u200bwidth",
    "sep\x1cfs", "line\u2028sep", "nel\x85x", "bom\ufeffx", "Straße, Größe.",
    "日本語、テスト。", "中文,English.", "😀.", "٣.٥", "३-४", "１.２", "1.٥",
    "„Zitat“ «guill» — – …", "¿qué? ¡sí!", "don't", "O'Neil's", "1-2-3",
    "2024-01-12", "12:30", "3,5-4", "a--b", "9-a", "a9-", "--", "-.-", ".-.",
    "1.-2", "x.-", "@user #tag", "100%.", "a. b", "a .b", " .a", "a. ",
    "caf\u00e9.", "cafe\u0301.", "ǅ.", "ΟΔΟΣ.",
]

LOWER_CASES = [
    "", "ABC", "Straße STRASSE", "ΟΔΟΣ", "ΣΑΣ", "Σ", "ΑΣ.", "ΑΣ'Α", "Α'Σ", "ΣΑ",
    "Α\u0301Σ", "ΑΣ\u0301", "ΑΣ\u0301Α", "AΣb", "AΣ1", "1Σ", "ὈΔΥΣΣΕΎΣ", "İstanbul",
    "İ", "Iİı", "ǅǄǆ", "Ⅻ", "ÆØÅ", "ＡＢＣ", "𐐀", "ΑΣ\u00ad", "ΑΣ:Β", "ΑΣ·",
    "A.Σ", "AΣ\u2019", "ʰΣ", "\u02b0Σ", "ΣΣΣ", "Σ Σ", "ΑΣ ΑΣ",
]


def run_cli(args, refs, stdin):
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for i, content in enumerate(refs):
            p = os.path.join(d, f"ref{i}.txt")
            with open(p, "wb") as f:
                f.write(content.encode("utf-8"))
            paths.append(p)
        full = [a.replace("{REF0}", paths[0]) if "{REF" in a else a for a in args]
        for i, p in enumerate(paths):
            full = [a.replace("{REF%d}" % i, p) for a in full]
        env = dict(os.environ, NO_COLOR="1")
        env.pop("SACREBLEU_FORMAT", None)
        proc = subprocess.run([sys.executable, "-m", "sacrebleu", *full],
                              input=stdin.encode("utf-8"), capture_output=True,
                              env=env, cwd=d)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.decode())
        out = proc.stdout.decode("utf-8")
        return out.replace(f"version:{PY_VERSION}", f"version:{GO_VERSION}").replace(
            f'"version": "{PY_VERSION}"', f'"version": "{GO_VERSION}"').replace(
            f"v:{PY_VERSION}", f"v:{GO_VERSION}")


def cli_cases(rng):
    ref = "The cat sat on the mat.\nHello world!\nIt costs $1,000.50 (approx.).\n"
    hyp = "The cat sat on a mat.\nHello, world!\nIt costs $1,000 (approx).\n"
    ref2 = "A cat was on the mat.\nHi world!\nThe price is $1,000.50.\n"
    specs = [
        ("default_json", ["{REF0}"], [ref], hyp),
        ("width0", ["-w", "0", "{REF0}"], [ref], hyp),
        ("width2_long", ["--width", "2", "{REF0}"], [ref], hyp),
        ("width4_eq", ["--width=4", "{REF0}"], [ref], hyp),
        ("text", ["-f", "text", "{REF0}"], [ref], hyp),
        ("text_w3", ["{REF0}", "--format", "text", "-w", "3"], [ref], hyp),
        ("text_short", ["-f", "text", "--short", "{REF0}"], [ref], hyp),
        ("score_only", ["-b", "{REF0}"], [ref], hyp),
        ("score_only_w3", ["-b", "-w", "3", "{REF0}"], [ref], hyp),
        ("lowercase", ["-lc", "{REF0}"], [ref], hyp.upper()),
        ("lowercase_long_text", ["--lowercase", "-f", "text", "{REF0}"], [ref], hyp.upper()),
        ("tok_none", ["-tok", "none", "{REF0}"], [ref], hyp),
        ("tok_none_long", ["--tokenize", "none", "-f", "text", "{REF0}"], [ref], hyp),
        ("tok_13a", ["--tokenize", "13a", "{REF0}"], [ref], hyp),
        ("multi_ref", ["{REF0}", "{REF1}"], [ref, ref2], hyp),
        ("multi_ref_text", ["-f", "text", "{REF0}", "{REF1}"], [ref, ref2], hyp),
        ("no_final_newline", ["{REF0}"], [ref.rstrip("\n")], hyp.rstrip("\n")),
        ("crlf_stdin", ["{REF0}"], [ref], hyp.replace("\n", "\r\n")),
        ("cr_stdin", ["{REF0}"], [ref], hyp.replace("\n", "\r")),
        ("crlf_ref", ["{REF0}"], [ref.replace("\n", "\r\n")], hyp),
        ("cr_inside_ref_line", ["-f", "text", "{REF0}"], ["The cat\rsat on the mat.\n"], "The cat sat on the mat.\n"),
        ("empty_stdin_one_empty_ref", ["{REF0}"], ["\n"], ""),
        ("empty_line_hyp", ["-f", "text", "{REF0}"], ["a b c\n\n"], "a b c\n\n"),
        ("trailing_spaces", ["{REF0}"], ["a b c  \t\n"], "a b c \u3000 \n"),
        ("bom", ["-f", "text", "{REF0}"], ["\ufeffThe cat.\n"], "\ufeffThe cat.\n"),
        ("perfect", ["{REF0}"], [ref], ref),
        ("zero", ["{REF0}"], ["okay thanks\n"], "this is a cat\n"),
        ("unicode", ["-f", "text", "{REF0}"], ["Größe 日本語 😀 ΟΔΟΣ.\n"], "größe 日本語 😀 οδος .\n"),
        ("unicode_lc", ["-lc", "{REF0}"], ["Größe 日本語 😀 ΟΔΟΣ.\n"], "größe 日本語 😀 οδος .\n"),
        ("double_dash", ["-f", "text", "--", "{REF0}"], [ref], hyp),
    ]
    for i in range(6):
        hyps, refs = rand_corpus(rng, [s for s in SEPS if s not in ("\r", "\x85", "\u2028", "\x1c", "\x0b", "\x0c", "\t")])
        args = ["-f", rng.choice(["json", "text"]), "-w", str(rng.choice([1, 2, 4]))]
        if rng.random() < 0.3:
            args.append("-lc")
        args += ["{REF%d}" % j for j in range(len(refs))]
        specs.append((f"random_{i}", args, ["".join(l + "\n" for l in r) for r in refs],
                      "".join(l + "\n" for l in hyps)))
    cases = []
    for name, args, refs, stdin in specs:
        cases.append({"name": name, "args": args, "refs": refs, "stdin": stdin,
                      "stdout": run_cli(args, refs, stdin)})
    return cases


def dump(name, cases):
    """Writes a JSON object with one compact case per line."""
    header = {"generator": "testdata/generate_golden.py",
              "sacrebleu_version": PY_VERSION,
              "python_version": sys.version.split()[0]}
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write(json.dumps(header, ensure_ascii=False)[:-1])
        f.write(', "cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]}\n")


def main():
    rng = random.Random(20240611)
    tok = Tokenizer13a()
    tok_cases = list(TOKENIZER_CASES)
    for _ in range(150):
        tok_cases.append(join(rng, rand_tokens(rng, rng.randint(1, 12)), API_SEPS))
    dump("tokenizer_13a.json", [{"in": s, "out": tok(s)} for s in tok_cases])
    low_cases = list(LOWER_CASES)
    for _ in range(50):
        low_cases.append(join(rng, rand_tokens(rng, rng.randint(1, 8)), SEPS))
    dump("lower.json", [{"in": s, "out": s.lower()} for s in low_cases])
    dump("corpus.json", edge_cases() + random_cases(rng, 200))
    dump("cli.json", cli_cases(rng))


if __name__ == "__main__":
    main()
