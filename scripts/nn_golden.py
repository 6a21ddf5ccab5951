#!/usr/bin/python3
"""Writes nn/testdata/golden.json: reference results of PyTorch's layers and
losses, which the Go tests in package nn replay.

Run from the repository root with a Python that has torch 1.13:

    /usr/bin/python3 scripts/nn_golden.py

For every layer the file holds its state dict (weights drawn by torch from a
fixed seed, then exported), an input, the output, a fixed random tensor R of
the output's shape, and the gradients of sum(output * R) with respect to the
input and every parameter. BatchNorm cases run one training step, so they
also hold the running statistics after it and the evaluation output that
follows. Losses hold their inputs, the loss and the gradients of the same
weighted sum. The "mlp" entry is one Adam step (lr 1e-2) of a 4-8-3 Tanh
network under cross-entropy. Every float32 value is written as the shortest
decimal that reads back to the same float32 when parsed as a float32.
"""

import json
import os

import numpy as np
import torch
import torch.nn as tnn
import torch.nn.functional as F

from atomic_write import write_text

OUT = os.path.join("nn", "testdata", "golden.json")
SEED = 20240612


def enc(t):
    t = t.detach().to(torch.float32)
    # float32 -> its shortest decimal -> a Python float whose repr is that decimal.
    vals = [float(repr(v)) for v in t.reshape(-1).numpy()]
    return {"shape": list(t.shape), "data": vals}


def randn(*shape):
    return torch.randn(shape, dtype=torch.float32)


def weighted_grads(out, wrt):
    """Returns R and the gradients of sum(out * R) with respect to wrt."""
    r = randn(*out.shape)
    grads = torch.autograd.grad((out * r).sum(), wrt, allow_unused=True)
    return r, [None if g is None else enc(g) for g in grads]


def layer_case(name, kind, config, module, x, differentiable_input=True, train_step=False):
    sd = {k: enc(v) for k, v in module.state_dict().items()}
    x = x.clone().requires_grad_(differentiable_input)
    params = list(module.named_parameters())
    out = module(x)
    wrt = ([x] if differentiable_input else []) + [p for _, p in params]
    r, grads = weighted_grads(out, wrt)
    case = {
        "name": name,
        "kind": kind,
        "config": config,
        "state": sd,
        "input": enc(x),
        "output": enc(out),
        "out_weight": enc(r),
        "grad_input": grads[0] if differentiable_input else None,
        "grad_params": {n: g for (n, _), g in zip(params, grads[1 if differentiable_input else 0:])},
    }
    if train_step:
        case["buffers_after"] = {k: enc(v) for k, v in module.named_buffers()}
        module.eval()
        with torch.no_grad():
            case["eval_output"] = enc(module(x))
    return case


def randomize(module):
    """Replaces the affine parameters and running statistics of a norm layer
    with random values, so the test sees more than ones and zeros."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(randn(*p.shape) * 0.5 + (1 if p is module.weight else 0))
        if hasattr(module, "running_mean"):
            module.running_mean.copy_(randn(*module.running_mean.shape) * 0.3)
            module.running_var.copy_(torch.rand(*module.running_var.shape) + 0.5)
            module.num_batches_tracked.fill_(3)
    return module


def layers():
    cases = []
    lin = tnn.Linear(5, 4)
    cases.append(layer_case("linear", "Linear", {"in": 5, "out": 4, "bias": True}, lin, randn(3, 5)))

    conv = tnn.Conv2d(3, 4, 3, stride=2, padding=1)
    cases.append(layer_case("conv2d", "Conv2d",
                            {"in": 3, "out": 4, "kernel": 3, "stride": 2, "padding": 1, "dilation": 1, "bias": True},
                            conv, randn(2, 3, 5, 5)))
    convd = tnn.Conv2d(2, 3, 3, stride=1, padding=2, dilation=2, bias=False)
    cases.append(layer_case("conv2d_dilated_nobias", "Conv2d",
                            {"in": 2, "out": 3, "kernel": 3, "stride": 1, "padding": 2, "dilation": 2, "bias": False},
                            convd, randn(1, 2, 6, 5)))
    convt = tnn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)
    cases.append(layer_case("conv_transpose2d", "ConvTranspose2d",
                            {"in": 3, "out": 2, "kernel": 3, "stride": 2, "padding": 1, "output_padding": 1, "bias": True},
                            convt, randn(1, 3, 4, 4)))

    cases.append(layer_case("maxpool2d", "MaxPool2d", {"kernel": 3, "stride": 2, "padding": 1},
                            tnn.MaxPool2d(3, stride=2, padding=1), randn(1, 2, 7, 7)))
    cases.append(layer_case("maxpool2d_default_stride", "MaxPool2d", {"kernel": 2, "stride": 0, "padding": 0},
                            tnn.MaxPool2d(2), randn(1, 2, 4, 6)))
    cases.append(layer_case("avgpool2d", "AvgPool2d", {"kernel": 3, "stride": 2, "padding": 1},
                            tnn.AvgPool2d(3, stride=2, padding=1), randn(1, 2, 6, 6)))

    emb = tnn.Embedding(7, 4)
    idx = torch.tensor([[0, 3, 6], [3, 3, 1]], dtype=torch.float32)
    sd = {k: enc(v) for k, v in emb.state_dict().items()}
    out = emb(idx.long())
    r, grads = weighted_grads(out, [emb.weight])
    cases.append({"name": "embedding", "kind": "Embedding", "config": {"num": 7, "dim": 4}, "state": sd,
                  "input": enc(idx), "output": enc(out), "out_weight": enc(r), "grad_input": None,
                  "grad_params": {"weight": grads[0]}})

    cases.append(layer_case("layernorm", "LayerNorm", {"shape": [4, 5]},
                            randomize(tnn.LayerNorm([4, 5])), randn(3, 4, 5) * 2 + 1))
    cases.append(layer_case("batchnorm1d", "BatchNorm1d", {"c": 3},
                            randomize(tnn.BatchNorm1d(3)), randn(6, 3) * 1.5 + 0.5, train_step=True))
    cases.append(layer_case("batchnorm1d_3d", "BatchNorm1d", {"c": 3},
                            randomize(tnn.BatchNorm1d(3)), randn(4, 3, 3) - 0.5, train_step=True))
    cases.append(layer_case("batchnorm2d", "BatchNorm2d", {"c": 2},
                            randomize(tnn.BatchNorm2d(2)), randn(3, 2, 3, 3) * 0.7 + 0.2, train_step=True))

    acts = [("ReLU", tnn.ReLU(), 0), ("LeakyReLU", tnn.LeakyReLU(0.2), 0.2), ("ELU", tnn.ELU(0.7), 0.7),
            ("GELU", tnn.GELU(), 0), ("SiLU", tnn.SiLU(), 0), ("Tanh", tnn.Tanh(), 0),
            ("Sigmoid", tnn.Sigmoid(), 0), ("Softplus", tnn.Softplus(), 0), ("Flatten", tnn.Flatten(), 0)]
    for kind, m, p in acts:
        cases.append(layer_case(kind.lower(), kind, {"param": p}, m, randn(3, 2, 2) * 2))
    return cases


def loss_case(name, fn, reduction, inputs, diff, args=None):
    ts = [x.clone().requires_grad_(d) for x, d in zip(inputs, diff)]
    out = fn(*ts)
    wrt = [t for t, d in zip(ts, diff) if d]
    r, grads = weighted_grads(out, wrt)
    it = iter(grads)
    return {"name": name, "reduction": reduction, "args": args or {},
            "inputs": [enc(t) for t in ts], "output": enc(out), "out_weight": enc(r),
            "grads": [next(it) if d else None for d in diff]}


def gaussian_kl(mu, logvar, reduction):
    per = -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).reshape(mu.shape[0], -1).sum(1)
    return {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]


def losses():
    x, y = randn(3, 2), randn(3, 2)
    p, t = torch.sigmoid(randn(3, 2)), torch.rand(3, 2)
    logits, targets = randn(4, 3), torch.tensor([0, 2, 1, 2])
    mu, logvar = randn(3, 2, 2), randn(3, 2, 2) * 0.5
    cases = []
    for red in ["mean", "sum", "none"]:
        cases += [
            loss_case("MSELoss", lambda a, b: F.mse_loss(a, b, reduction=red), red, [x, y], [True, True]),
            loss_case("L1Loss", lambda a, b: F.l1_loss(a, b, reduction=red), red, [x, y], [True, True]),
            loss_case("HuberLoss", lambda a, b: F.huber_loss(a, b, reduction=red, delta=0.7), red, [x, y],
                      [True, True], {"delta": 0.7}),
            loss_case("BCELoss", lambda a, b: F.binary_cross_entropy(a, b, reduction=red), red, [p, t], [True, True]),
            loss_case("BCEWithLogitsLoss", lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction=red),
                      red, [x, t], [True, True]),
            loss_case("CrossEntropyLoss", lambda a, b: F.cross_entropy(a, b.long(), reduction=red), red,
                      [logits, targets.float()], [True, False]),
            loss_case("NLLLoss", lambda a, b: F.nll_loss(a, b.long(), reduction=red), red,
                      [F.log_softmax(logits, 1), targets.float()], [True, False]),
            loss_case("GaussianKL", lambda a, b: gaussian_kl(a, b, red), red, [mu, logvar], [True, True]),
        ]
    # Probabilities at 0 and 1 exercise the clamp of the logs at -100.
    cases.append(loss_case("BCELoss", lambda a, b: F.binary_cross_entropy(a, b), "mean",
                           [torch.tensor([0.0, 1.0, 0.5, 1.0]), torch.tensor([1.0, 0.0, 0.2, 1.0])], [True, False]))
    return cases


def mlp():
    model = tnn.Sequential(tnn.Linear(4, 8), tnn.Tanh(), tnn.Linear(8, 3))
    before = {k: enc(v) for k, v in model.state_dict().items()}
    x, y = randn(6, 4), torch.tensor([0, 2, 1, 1, 0, 2])
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    grads = {k: enc(p.grad) for k, p in model.named_parameters()}
    opt.step()
    after = {k: enc(v) for k, v in model.state_dict().items()}
    return {"state": before, "input": enc(x), "targets": enc(y.float()), "loss": float(loss),
            "grads": grads, "after": after}


def main():
    torch.manual_seed(SEED)
    doc = {"torch": torch.__version__, "seed": SEED, "layers": layers(), "losses": losses(), "mlp": mlp()}
    text = json.dumps(doc, separators=(",", ":")) + "\n"
    write_text(OUT, text)
    print(f"wrote {OUT} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
