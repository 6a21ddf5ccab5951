#!/usr/bin/python3
"""Writes optim/testdata/golden.json: reference results of PyTorch's
optimizers, learning-rate schedulers and gradient clipping, which the Go
tests in package optim replay.

Run from the repository root with a Python that has torch 1.13:

    /usr/bin/python3 scripts/optim_golden.py

Parameters and gradients are drawn once from a seeded torch generator and
stored in the JSON next to the results, so the Go side needs no random
numbers of its own. Every float32 value is written as the shortest decimal
that reads back to the same float32 (via float64), so nothing is lost.
"""

import json
import math
import os

import torch

from atomic_write import write_text

OUT = os.path.join("optim", "testdata", "golden.json")
STEPS = 6
SEED = 20240611

# Shapes of the parameters. The first is long enough to exercise vectorised
# kernels on the torch side, the second gets gradients around 1e-6 so that
# eps placement in Adam and RMSprop shows in the result, the third gets a
# gradient only on some steps (torch skips a parameter whose grad is None,
# its step count included).
SHAPES = [(4, 5), (3,), (2, 2)]
TINY = 1
SPARSE = 2
SPARSE_STEPS = {0, 2, 3}


def values(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def make_inputs():
    g = torch.Generator().manual_seed(SEED)
    params = [torch.randn(s, generator=g, dtype=torch.float32) for s in SHAPES]
    grads = []
    for step in range(STEPS):
        row = []
        for i, s in enumerate(SHAPES):
            v = torch.randn(s, generator=g, dtype=torch.float32)
            if i == TINY:
                v = v * 1e-6
            if i == SPARSE and step not in SPARSE_STEPS:
                v = None
            row.append(v)
        grads.append(row)
    return params, grads


OPTIMIZERS = [
    ("sgd", "sgd_plain", dict(lr=0.1)),
    ("sgd", "sgd_momentum_dampening", dict(lr=0.1, momentum=0.9, dampening=0.25)),
    ("sgd", "sgd_nesterov", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("sgd", "sgd_weight_decay", dict(lr=0.1, momentum=0.5, weight_decay=0.3)),
    ("adam", "adam", dict(lr=0.1)),
    ("adam", "adam_amsgrad_weight_decay",
     dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.2, amsgrad=True)),
    ("adam", "adam_beta1_zero", dict(lr=0.02, betas=(0.0, 0.9), eps=1e-4)),
    ("adamw", "adamw", dict(lr=0.1, weight_decay=0.1)),
    ("adamw", "adamw_amsgrad", dict(lr=0.05, weight_decay=0.01, amsgrad=True)),
    ("rmsprop", "rmsprop", dict(lr=0.01)),
    ("rmsprop", "rmsprop_centered_momentum",
     dict(lr=0.01, alpha=0.9, eps=1e-6, momentum=0.8, centered=True, weight_decay=0.05)),
]

CLASSES = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
}


def run_optimizer(kind, cfg, params0, grads):
    params = [p.clone().requires_grad_(True) for p in params0]
    opt = CLASSES[kind](params, foreach=False, **cfg)
    steps = []
    for row in grads:
        for p, g in zip(params, row):
            p.grad = None if g is None else g.clone()
        opt.step()
        steps.append([values(p) for p in params])
    return steps


def lr_sequence(make, n, lr):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    sched = make(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def schedules():
    S = torch.optim.lr_scheduler
    out = [
        dict(kind="step", name="step_lr", base=0.1, step_size=3, gamma=0.5,
             lrs=lr_sequence(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12, 0.1)),
        dict(kind="cosine", name="cosine", base=0.1, eta_min=0.001, t_max=10,
             lrs=lr_sequence(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 31, 0.1)),
    ]
    # Linear warm-up for w steps from start*base towards base, then cosine
    # annealing restarted at step w: LinearLR for the first w values and a
    # fresh CosineAnnealingLR for the rest.
    w, start, base, t_max, eta_min, n = 4, 0.1, 0.05, 8, 0.0, 16
    warm = lr_sequence(lambda o: S.LinearLR(o, start_factor=start, total_iters=w), w, base)
    cos = lr_sequence(lambda o: S.CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min), n - w, base)
    out.append(dict(kind="warmup_cosine", name="warmup_cosine", base=base, warmup=w,
                    start_factor=start, t_max=t_max, eta_min=eta_min, lrs=warm + cos))
    return out


def clipping(grads):
    out = []
    for max_norm in (0.5, 100.0):
        gs = [g.clone() for g in grads[0]]
        ps = [torch.zeros_like(g).requires_grad_(True) for g in gs]
        for p, g in zip(ps, gs):
            p.grad = g
        norm = torch.nn.utils.clip_grad_norm_(ps, max_norm)
        out.append(dict(kind="norm", max_norm=max_norm, total_norm=float(norm),
                        grads=[values(p.grad) for p in ps]))
    gs = [g.clone() for g in grads[1] if g is not None]
    ps = [torch.zeros_like(g).requires_grad_(True) for g in gs]
    for p, g in zip(ps, gs):
        p.grad = g
    torch.nn.utils.clip_grad_value_(ps, 0.75)
    out.append(dict(kind="value", clip=0.75, step=1, grads=[values(p.grad) for p in ps]))
    return out


def main():
    params, grads = make_inputs()
    doc = {
        "generator": "scripts/optim_golden.py",
        "torch_version": torch.__version__,
        "seed": SEED,
        "params": [dict(shape=list(p.shape), data=values(p)) for p in params],
        "grads": [[None if g is None else values(g) for g in row] for row in grads],
        "optimizers": [
            dict(kind=kind, name=name,
                 config={k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()},
                 steps=run_optimizer(kind, cfg, params, grads))
            for kind, name, cfg in OPTIMIZERS
        ],
        "schedules": schedules(),
        "clip": clipping(grads),
    }
    text = json.dumps(doc, indent=1) + "\n"
    write_text(OUT, text)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
