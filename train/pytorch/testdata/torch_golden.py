#!/usr/bin/env python3
"""Golden logits from PyTorch for train/pytorch's tests.

Run from the repository root (Debian's python3-torch 1.13 is enough):

    go test ./train/pytorch -run TestGoldenFixed -update   # writes fixed.safetensors + vocabularies
    python3 train/pytorch/testdata/torch_golden.py train/pytorch/testdata

It loads fixed.safetensors (a small model exported by our Go code) into the
module below with strict=True and writes its logits for a padded batch to
fixed_logits.json; then it builds a model with PyTorch's own random
initialisation, saves it as torch_init.safetensors (+ vocabularies) and
writes its logits and greedy translations to torch_init_logits.json.
"""
import json
import math
import struct
import sys

import torch
from torch import nn

PAD, UNK, BOS, EOS = 0, 1, 2, 3


class Seq2Seq(nn.Transformer):
    """torch.nn.Transformer plus our embeddings and output projection."""

    def __init__(self, m):
        super().__init__(d_model=m["d_model"], nhead=m["nhead"],
                         num_encoder_layers=m["num_encoder_layers"],
                         num_decoder_layers=m["num_decoder_layers"],
                         dim_feedforward=m["dim_feedforward"], dropout=m["dropout"],
                         layer_norm_eps=m["layer_norm_eps"], batch_first=True, norm_first=True)
        d = m["d_model"]
        self.src_embed = nn.Embedding(m["src_vocab"], d)
        self.tgt_embed = nn.Embedding(m["tgt_vocab"], d)
        self.generator = None if m["tie_embeddings"] else nn.Linear(d, m["tgt_vocab"], bias=False)
        # Our sinusoids: sin at even i, cos at i+1, angle t / 10000^(i/d), in float64.
        t = torch.arange(m["max_positions"], dtype=torch.float64)[:, None]
        i = torch.arange(0, d, 2, dtype=torch.float64)
        angle = t / torch.pow(10000.0, i / d)
        pe = torch.zeros(m["max_positions"], d, dtype=torch.float64)
        pe[:, 0::2], pe[:, 1::2] = torch.sin(angle), torch.cos(angle)
        self.register_buffer("pe", pe.float(), persistent=False)

    def embed(self, table, ids):  # ids (B, T) -> (B, T, D)
        return table(ids) * math.sqrt(self.d_model) + self.pe[: ids.shape[1]]

    def encode(self, src):  # src (B, S): tokens, no EOS, PAD-padded
        return self.encoder(self.embed(self.src_embed, src), src_key_padding_mask=src == PAD)

    def decode(self, memory, src, tgt_in):  # tgt_in (B, T): BOS + target, PAD-padded
        t = tgt_in.shape[1]
        causal = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
        y = self.decoder(self.embed(self.tgt_embed, tgt_in), memory, tgt_mask=causal,
                         tgt_key_padding_mask=tgt_in == PAD, memory_key_padding_mask=src == PAD)
        w = self.tgt_embed.weight if self.generator is None else self.generator.weight
        return y @ w.T  # (B, T, Vt) logits

    def forward(self, src, tgt_in):
        return self.decode(self.encode(src), src, tgt_in)


def read_safetensors(path):
    """Returns ({name: tensor}, metadata): by hand, struct + json + frombuffer."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = bytearray(raw[8 + n:])
    tensors = {}
    for name, e in header.items():
        assert e["dtype"] == "F32", name
        b, end = e["data_offsets"]
        tensors[name] = torch.frombuffer(data[b:end], dtype=torch.float32).reshape(e["shape"]).clone()
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, offset = {"__metadata__": meta}, 0
    for name, t in tensors.items():
        nbytes = t.numel() * 4
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for t in tensors.values():
            f.write(t.detach().contiguous().float().numpy().astype("<f4").tobytes())


def pad(rows):
    width = max(len(r) for r in rows)
    return torch.tensor([r + [PAD] * (width - len(r)) for r in rows])


def greedy(model, src, max_len_a, max_len_b):
    """Our Translator.Greedy: PAD and BOS never output, stop at EOS or the limit."""
    src_t = torch.tensor([src])
    memory = model.encode(src_t)
    limit = max(1, min(int(max_len_a * len(src)) + max_len_b, model.pe.shape[0] - 1))
    out = [BOS]
    for step in range(limit + 1):
        logits = model.decode(memory, src_t, torch.tensor([out]))[0, -1].double()
        logits[PAD] = logits[BOS] = -math.inf
        best = int(torch.argmax(logits))
        if step >= limit or best == EOS:
            break
        out.append(best)
    return out[1:]


def logits_record(model, srcs, tgts):
    with torch.no_grad():
        logits = model(pad(srcs), pad(tgts))
    return [{"src": s, "tgt_in": t, "logits": logits[i, : len(t)].tolist()} for i, (s, t) in enumerate(zip(srcs, tgts))]


def main(testdata):
    torch.manual_seed(0)
    # 1. A model exported by our Go code, loaded with strict=True.
    tensors, meta = read_safetensors(f"{testdata}/fixed.safetensors")
    m = json.loads(meta["model"])
    model = Seq2Seq(m)
    model.load_state_dict(tensors, strict=True)
    model.eval()
    srcs = [[4, 5, 6, 7, 8], [9, 10, 4], [5, 5, 6, 7, 8, 9, 10], [6]]
    tgts = [[BOS, 4, 5, 6], [BOS, 7], [BOS, 8, 9, 10, 11, 12, 4], [BOS]]
    with open(f"{testdata}/fixed_logits.json", "w") as f:
        json.dump({"torch": torch.__version__, "sentences": logits_record(model, srcs, tgts)}, f)

    # 2. A model with PyTorch's own initialisation, untied, saved for import.
    m = dict(m, d_model=16, nhead=4, num_encoder_layers=2, num_decoder_layers=1,
             dim_feedforward=24, tie_embeddings=False, src_vocab=12, tgt_vocab=14)
    model = Seq2Seq(m)
    model.eval()
    write_safetensors(f"{testdata}/torch_init.safetensors", model.state_dict(), {"format": "pt", "model": json.dumps(m)})
    for side, n in (("src", m["src_vocab"]), ("tgt", m["tgt_vocab"])):
        toks = ["<pad>", "<unk>", "<bos>", "<eos>"] + [f"{side[0]}{i}" for i in range(4, n)]
        with open(f"{testdata}/torch_init.{side}.vocab", "w") as f:
            f.write("\n".join(toks) + "\n")
    srcs = [[4, 5, 6, 7, 8, 11], [9, 10, 4], [6]]
    tgts = [[BOS, 4, 5, 13], [BOS, 7], [BOS, 8, 9, 10, 11, 12]]
    with torch.no_grad():
        record = {"torch": torch.__version__, "sentences": logits_record(model, srcs, tgts),
                  "greedy": [greedy(model, s, 1.5, 10) for s in srcs]}
    with open(f"{testdata}/torch_init_logits.json", "w") as f:
        json.dump(record, f)


if __name__ == "__main__":
    main(sys.argv[1])
