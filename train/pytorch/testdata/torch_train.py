#!/usr/bin/env python3
"""Trains the README's PyTorch module on the toy corpus and saves it for import.

Run from the repository root (Debian's python3-torch 1.13 is enough; data/toy
is the corpus configs/tiny.yaml generates on its first run):

    go run ./cmd/train --config configs/tiny.yaml --steps 1 --out /tmp/scratch  # writes data/toy if absent
    python3 train/pytorch/testdata/torch_train.py data/toy train/pytorch/testdata

It builds the vocabularies from DATA/train.{src,tgt} (specials, then tokens by
falling count, ties in byte order), trains Seq2Seq of torch_golden.py
(d_model 32, 4 heads, 2+2 layers, d_ff 64, tied) for STEPS steps (default 600)
with PyTorch's own initialisation (embeddings N(0, 1/d_model)), Adam, warm-up
and label smoothing, then writes torch_trained.safetensors (with the model
and config metadata `train import` reads), torch_trained.{src,tgt}.vocab and
torch_trained_greedy.json: PyTorch's greedy translations of the first 40
test sentences, which TestGoldenTorchTrained requires of our decoder.
"""
import collections
import json
import math
import random
import sys
import time

import torch
from torch import nn

from torch_golden import BOS, EOS, PAD, UNK, Seq2Seq, greedy, pad, write_safetensors

SPECIALS = ["<pad>", "<unk>", "<bos>", "<eos>"]
MODEL = dict(d_model=32, nhead=4, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=64,
             dropout=0.1, layer_norm_eps=1e-5, activation="relu", batch_first=True, norm_first=True,
             tie_embeddings=True, max_positions=256, pad_id=PAD, unk_id=UNK, bos_id=BOS, eos_id=EOS)
BATCH, LR, WARMUP, SMOOTHING, MAX_LEN = 64, 3e-3, 100, 0.1, 32
CONFIG = """name: torch_trained
seed: 1
data: {{}}
model: {{d_model: {d_model}, heads: {nhead}, encoder_layers: {num_encoder_layers}, decoder_layers: {num_decoder_layers}, d_ff: {dim_feedforward}, dropout: {dropout}, tie_embeddings: true, max_positions: {max_positions}}}
train: {{}}
decode: {{beam: 1, max_len_a: 1.5, max_len_b: 10}}
"""


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.split() for line in f.read().split("\n")[:-1]]


def build_vocab(sentences):
    counts = collections.Counter(tok for s in sentences for tok in s)
    return SPECIALS + sorted(counts, key=lambda t: (-counts[t], t.encode()))


def encode(vocab, sentence):
    index = {t: i for i, t in enumerate(vocab)}
    return [index.get(t, UNK) for t in sentence]


def lr_at(step):  # inverse square root with linear warm-up, as train.schedule inverse_sqrt
    return LR * min(step / WARMUP, math.sqrt(WARMUP / step))


def main(data, out, steps):
    torch.manual_seed(0)
    random.seed(0)
    src_train, tgt_train = read_lines(f"{data}/train.src"), read_lines(f"{data}/train.tgt")
    src_vocab, tgt_vocab = build_vocab(src_train), build_vocab(tgt_train)
    pairs = [(encode(src_vocab, s), encode(tgt_vocab, t)) for s, t in zip(src_train, tgt_train)
             if len(s) <= MAX_LEN and len(t) <= MAX_LEN]
    m = dict(MODEL, src_vocab=len(src_vocab), tgt_vocab=len(tgt_vocab))
    model = Seq2Seq(m)
    for table in (model.src_embed, model.tgt_embed):
        nn.init.normal_(table.weight, std=m["d_model"] ** -0.5)
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(0.9, 0.98), eps=1e-9)
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD, label_smoothing=SMOOTHING)
    model.train()
    start = time.time()
    for step in range(1, steps + 1):
        batch = random.sample(pairs, BATCH)
        src = pad([s for s, _ in batch])
        tgt_in, tgt_out = pad([[BOS] + t for _, t in batch]), pad([t + [EOS] for _, t in batch])
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        logits = model(src, tgt_in)
        loss = loss_fn(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 100 == 0 or step == steps:
            print(f"step {step} loss {loss.item():.4f} ({time.time() - start:.1f} s)", flush=True)
    model.eval()
    config = CONFIG.format(**m)
    meta = {"format": "pt", "model": json.dumps(m), "config": config}
    write_safetensors(f"{out}/torch_trained.safetensors", model.state_dict(), meta)
    for side, vocab in (("src", src_vocab), ("tgt", tgt_vocab)):
        with open(f"{out}/torch_trained.{side}.vocab", "w", encoding="utf-8") as f:
            f.write("\n".join(vocab) + "\n")
    test_src, test_tgt = read_lines(f"{data}/test.src")[:40], read_lines(f"{data}/test.tgt")[:40]
    sentences = []
    with torch.no_grad():
        for s, ref in zip(test_src, test_tgt):
            hyp = " ".join(tgt_vocab[i] for i in greedy(model, encode(src_vocab, s), 1.5, 10))
            sentences.append({"src": " ".join(s), "ref": " ".join(ref), "greedy": hyp})
    exact = sum(x["greedy"] == x["ref"] for x in sentences)
    print(f"{exact} of {len(sentences)} greedy translations equal the reference")
    record = {"torch": torch.__version__, "steps": steps, "final_loss": round(loss.item(), 4),
              "exact_matches": exact, "sentences": sentences}
    with open(f"{out}/torch_trained_greedy.json", "w", encoding="utf-8") as f:
        json.dump(record, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 600)
