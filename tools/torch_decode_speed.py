#!/usr/bin/env python3
"""Greedy decoding speed of PyTorch's nn.Transformer on a model we exported.

    train export --checkpoint RUN --out model.safetensors
    python3 tools/torch_decode_speed.py model.safetensors test.src [--threads N] [--runs 3] [--out hyps.txt]

Loads the module of train/pytorch/testdata/torch_golden.py (the README's
"PyTorch: export and import"), decodes every line of test.src greedily as
`train translate --beam 1` does (sentences sorted by length, groups of 16,
the decoder rerun over the whole prefix at each step since nn.Transformer
has no key/value cache, only the last position projected to the
vocabulary; PAD and BOS never output; max length 1.5*len+10) and prints the
median sentences/s of --runs runs, model loading excluded, by the wall
clock and by the process's CPU time (user+sys, which a loaded machine
inflates less).
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train", "pytorch", "testdata"))
from torch_golden import BOS, EOS, PAD, UNK, Seq2Seq, pad, read_safetensors  # noqa: E402

GROUP = 16  # cmd/train/translate.go decodeBatch


def greedy_group(model, srcs, max_len_a, max_len_b):
    src = pad(srcs)
    memory = model.encode(src)
    limits = [max(1, min(int(max_len_a * len(s)) + max_len_b, model.pe.shape[0] - 1)) for s in srcs]
    out = torch.full((len(srcs), 1), BOS, dtype=torch.long)
    done = [False] * len(srcs)
    w = model.tgt_embed.weight if model.generator is None else model.generator.weight
    for step in range(max(limits) + 1):
        T = out.shape[1]
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        y = model.decoder(model.embed(model.tgt_embed, out), memory, tgt_mask=causal,
                          tgt_key_padding_mask=out == PAD, memory_key_padding_mask=src == PAD)
        logits = y[:, -1] @ w.T  # (B, Vt): only the last position is projected
        logits[:, PAD] = logits[:, BOS] = -math.inf
        best = logits.argmax(-1)
        for i in range(len(srcs)):
            if done[i]:
                best[i] = PAD
            elif step >= limits[i] or int(best[i]) == EOS:
                done[i], best[i] = True, EOS
        if all(done):
            break
        out = torch.cat([out, best[:, None]], 1)
    hyps = []
    for row in out.tolist():
        toks = []
        for t in row[1:]:
            if t in (EOS, PAD):
                break
            toks.append(t)
        hyps.append(toks)
    return hyps


def decode_all(model, srcs, max_len_a, max_len_b):
    order = sorted(range(len(srcs)), key=lambda i: len(srcs[i]))
    hyps = [None] * len(srcs)
    with torch.no_grad():
        for start in range(0, len(order), GROUP):
            idx = order[start:start + GROUP]
            for i, h in zip(idx, greedy_group(model, [srcs[i] for i in idx], max_len_a, max_len_b)):
                hyps[i] = h
    return hyps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("src")
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 = PyTorch's default")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", help="write the last run's translations here")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    sd, meta = read_safetensors(a.model)
    model = Seq2Seq(json.loads(meta["model"]))
    model.load_state_dict(sd, strict=True)
    model.eval()
    base = a.model[: -len(".safetensors")]
    src_vocab = {w: i for i, w in enumerate(open(base + ".src.vocab", encoding="utf-8").read().split("\n")[:-1])}
    tgt_vocab = open(base + ".tgt.vocab", encoding="utf-8").read().split("\n")[:-1]
    srcs = [[src_vocab.get(w, UNK) for w in line.split()] or [UNK] for line in open(a.src, encoding="utf-8")]
    wall, cpu = [], []
    for _ in range(a.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        hyps = decode_all(model, srcs, 1.5, 10)
        wall.append(len(srcs) / (time.perf_counter() - start))
        cpu.append(len(srcs) / (time.process_time() - start_cpu))
    out_tokens = sum(len(h) + 1 for h in hyps)
    print(f"pytorch {torch.__version__} greedy, {torch.get_num_threads()} thread(s), {len(srcs)} sentences, "
          f"{out_tokens} output tokens (EOS included): {statistics.median(wall):.1f} sentences/s wall, "
          f"{statistics.median(cpu):.1f} per CPU second (medians of {a.runs}; wall {', '.join(f'{r:.1f}' for r in wall)})")
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            for h in hyps:
                f.write(" ".join(tgt_vocab[t] for t in h) + "\n")


if __name__ == "__main__":
    main()
