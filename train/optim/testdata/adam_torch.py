#!/usr/bin/env python3
"""Writes adam_torch.json: golden values for optim.Adam from torch.optim.Adam.

Run from this directory with Debian's python3-torch:

    python3 adam_torch.py > adam_torch.json

Each case starts parameters at float32 values, feeds float32 gradients and a
per-step learning rate to torch.optim.Adam (float64 tensors, no weight decay,
amsgrad off) and records the values and moments after every step. The Go
test (TestAdamMatchesTorch) replays the same inputs through optim.Adam.
"""
import json

import torch

CASES = [
    # name, beta1, beta2, eps, gradient scale, steps
    ("default", 0.9, 0.999, 1e-8, 1.0, 6),
    ("transformer", 0.9, 0.98, 1e-9, 0.1, 6),
    # a large eps against small gradients: eps matters in the denominator
    ("large_eps", 0.8, 0.95, 1e-3, 1e-3, 6),
]
SHAPES = {"w": (3, 4), "b": (5,)}


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def run(name, beta1, beta2, eps, gscale, steps, gen):
    init = {k: f32(torch.randn(*s, generator=gen, dtype=torch.float64)) for k, s in SHAPES.items()}
    params = {k: v.clone().requires_grad_(True) for k, v in init.items()}
    names = list(SHAPES)
    opt = torch.optim.Adam([params[k] for k in names], lr=1.0, betas=(beta1, beta2), eps=eps)
    out = {"name": name, "beta1": beta1, "beta2": beta2, "eps": eps,
           "init": {k: v.flatten().tolist() for k, v in init.items()}, "steps": []}
    for step in range(1, steps + 1):
        lr = 0.01 * step if step <= 3 else 0.03 * (3 / step) ** 0.5
        for g in opt.param_groups:
            g["lr"] = lr
        grads = {}
        for k in names:
            g = f32(gscale * torch.randn(*SHAPES[k], generator=gen, dtype=torch.float64))
            params[k].grad = g.clone()
            grads[k] = g.flatten().tolist()
        opt.step()
        st = {k: opt.state[params[k]] for k in names}
        out["steps"].append({
            "lr": lr,
            "grad": grads,
            "value": {k: params[k].detach().flatten().tolist() for k in names},
            "m": {k: st[k]["exp_avg"].flatten().tolist() for k in names},
            "v": {k: st[k]["exp_avg_sq"].flatten().tolist() for k in names},
        })
    return out


def main():
    gen = torch.Generator().manual_seed(17)
    cases = [run(*c, gen) for c in CASES]
    print(json.dumps({"torch": torch.__version__, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
