#!/usr/bin/env python3
"""Build a German-English parallel corpus from Debian package descriptions.

Debian's translated package descriptions (apt's Translation-de files) pair
with the English ones (Translation-en) by Description-md5. Each pair gives
one segment for the short description and one per paragraph of the long
description when both sides have the same number of paragraphs (" ."
lines separate them; list items and lines are joined into one paragraph).

Usage (no root lists touched: apt writes into a private directory):

  mkdir -p lists/partial
  apt-get update -o Dir::State::Lists=$PWD/lists -o Acquire::Languages=en,de
  /usr/lib/apt/apt-helper cat-file lists/*_bookworm_main_i18n_Translation-de.lz4 > tr-de.txt
  /usr/lib/apt/apt-helper cat-file lists/*_bookworm_main_i18n_Translation-en.lz4 > tr-en.txt
  python3 make_corpus.py tr-de.txt tr-en.txt OUTDIR

writes OUTDIR/{train,valid,test}.{de,en}. Pairs are deduplicated (a German
or English segment seen before is dropped), segments over 60 words on
either side are dropped, and each pair goes to test, valid or train by the
sha256 of its English side (1/40 each to test and valid), so the split is
deterministic. Many packages share paragraphs with small changes, so test
segments can have near-duplicates in train: the scores are optimistic
compared with a news test set.
"""
import hashlib
import os
import sys


def stanzas(path, field):
    """Yields (md5, short, long_lines) of each stanza with field."""
    md5, short, body, in_desc = None, None, [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                if md5 and short is not None:
                    yield md5, short, body
                md5, short, body, in_desc = None, None, [], False
                continue
            if line.startswith("Description-md5: "):
                md5 = line.split(": ", 1)[1]
            elif line.startswith(field + ": "):
                short, in_desc = line.split(": ", 1)[1], True
            elif line.startswith(" ") and in_desc:
                body.append(line[1:])
            else:
                in_desc = False
    if md5 and short is not None:
        yield md5, short, body


def paragraphs(lines):
    """Joins the long description's lines into paragraphs."""
    out, cur = [], []
    for l in lines:
        if l.strip() == ".":
            if cur:
                out.append(" ".join(cur))
            cur = []
        else:
            cur.append(l.strip())
    if cur:
        out.append(" ".join(cur))
    return [" ".join(p.split()) for p in out]


def main():
    de_path, en_path, out = sys.argv[1:4]
    en = {md5: (s, b) for md5, s, b in stanzas(en_path, "Description-en")}
    pairs, seen_de, seen_en = [], set(), set()
    for md5, short, body in stanzas(de_path, "Description-de"):
        if md5 not in en:
            continue
        es, eb = en[md5]
        segs = [(short, es)]
        dp, ep = paragraphs(body), paragraphs(eb)
        if len(dp) == len(ep):
            segs += list(zip(dp, ep))
        for d, e in segs:
            d, e = " ".join(d.split()), " ".join(e.split())
            if not d or not e or d in seen_de or e in seen_en:
                continue
            if len(d.split()) > 60 or len(e.split()) > 60:
                continue
            seen_de.add(d)
            seen_en.add(e)
            pairs.append((d, e))
    os.makedirs(out, exist_ok=True)
    split = {"train": [], "valid": [], "test": []}
    for d, e in pairs:
        h = int(hashlib.sha256(e.encode()).hexdigest(), 16) % 40
        split["test" if h == 0 else "valid" if h == 1 else "train"].append((d, e))
    for name, ps in split.items():
        with open(os.path.join(out, name + ".de"), "w", encoding="utf-8") as fd, \
                open(os.path.join(out, name + ".en"), "w", encoding="utf-8") as fe:
            for d, e in ps:
                fd.write(d + "\n")
                fe.write(e + "\n")
        print(name, len(ps))


if __name__ == "__main__":
    main()
