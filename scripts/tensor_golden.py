#!/usr/bin/python3
"""Writes tensor/testdata/golden.json: PyTorch's values and gradients for
every operation of package tensor, which tensor/golden_test.go replays.

Run from the repository root with a Python that has torch 1.13:

    /usr/bin/python3 scripts/tensor_golden.py

Every case holds its inputs (drawn from one seeded torch generator), the
output, a weight tensor w of the output's shape and the gradients of
sum(out * w) with respect to each differentiable input. A second-order case
also holds one tensor v per differentiable input and grad2, the gradient of
sum_i <grad_i, v_i> with respect to each of those inputs, computed with
create_graph=True.

Schema of a case (tensors are {"shape": [...], "data": [...]} in row-major
order):

    name    unique label
    op      key of the Go closure that replays the case
    args    scalars and index lists the op needs (axis, keepdim, ...)
    inputs  the operands
    w       weights of the output (absent for a non-differentiable op)
    output  the result
    grads   one per input, null for an input that takes no gradient
    v       (second order only) one per input, null as in grads
    grad2   (second order only) one per input, null as in grads

Float32 values are written as the shortest decimal that reads back to the
same float32.
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F

from atomic_write import write_text

OUT = os.path.join("tensor", "testdata", "golden.json")
SEED = 20240612

G = torch.Generator().manual_seed(SEED)


def normal(*shape):
    return torch.randn(shape, generator=G, dtype=torch.float32)


def positive(*shape):
    """Values in [0.5, 1.5): inside the domain of log, sqrt and pow."""
    return torch.rand(shape, generator=G, dtype=torch.float32) + 0.5


def away(*shape):
    """Values with |x| in [0.2, 1.2] and a random sign: no input sits on the
    kink of relu, abs or leaky_relu."""
    mag = torch.rand(shape, generator=G, dtype=torch.float32) + 0.2
    sign = torch.where(torch.rand(shape, generator=G) < 0.5, -1.0, 1.0)
    return mag * sign


def index(shape, n):
    """Whole numbers in [0, n) as a float tensor (Go indexes with floats)."""
    return torch.randint(0, n, shape, generator=G).to(torch.float32)


def f32(values):
    return [float(str(np.float32(v))) for v in values]


def enc(t):
    if t is None:
        return None
    t = t.detach()
    return dict(shape=list(t.shape), data=f32(t.reshape(-1).tolist()))


def zeros_for_unused(gs, xs):
    return [torch.zeros_like(x) if g is None else g for g, x in zip(gs, xs)]


CASES = []


def case(name, op, fn, inputs, args=None, diff=None, second=False):
    """Adds a case: fn maps the inputs to the output; diff says which inputs
    take a gradient (all by default)."""
    if diff is None:
        diff = [True] * len(inputs)
    xs = [x.clone().requires_grad_(d) for x, d in zip(inputs, diff)]
    out = fn(*xs)
    c = dict(name=name, op=op, args=args or {}, inputs=[enc(x) for x in xs], output=enc(out))
    wanted = [x for x, d in zip(xs, diff) if d]
    if wanted and out.requires_grad:
        w = normal(*out.shape)
        s = (out * w).sum()
        gs = torch.autograd.grad(s, wanted, create_graph=second, allow_unused=True)
        gs = zeros_for_unused(gs, wanted)
        c["w"] = enc(w)
        c["grads"] = align([enc(g) for g in gs], diff)
        if second:
            vs = [normal(*x.shape) for x in wanted]
            dot = sum((g * v).sum() for g, v in zip(gs, vs))
            g2 = zeros_for_unused(torch.autograd.grad(dot, wanted, allow_unused=True), wanted)
            c["v"] = align([enc(v) for v in vs], diff)
            c["grad2"] = align([enc(g) for g in g2], diff)
    if any(c2["name"] == name for c2 in CASES):
        raise ValueError("duplicate case " + name)
    CASES.append(c)


def align(values, diff):
    it = iter(values)
    return [next(it) if d else None for d in diff]


def tr(x, flag):
    return x.transpose(-1, -2) if flag else x


def pad_tuple(rank, axis, before, after):
    """F.pad lists (before, after) pairs from the last axis backwards."""
    p = [0] * (2 * rank)
    k = rank - 1 - axis
    p[2 * k], p[2 * k + 1] = before, after
    return tuple(p)


def dims(axes, rank):
    return tuple(axes) if axes else tuple(range(rank))


def elementwise():
    for op, fn in [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul)]:
        case(op + "/same", op, fn, [normal(3, 4), normal(3, 4)])
        case(op + "/row", op, fn, [normal(3, 4), normal(4)])
        case(op + "/outer", op, fn, [normal(3, 1), normal(1, 4)])
        case(op + "/rank3", op, fn, [normal(2, 1, 3), normal(4, 3)])
        case(op + "/scalar", op, fn, [normal(2, 3), normal()])
    case("div/same", "div", torch.div, [normal(3, 4), positive(3, 4)], second=True)
    case("div/row", "div", torch.div, [normal(3, 4), positive(4)])
    case("div/outer", "div", torch.div, [normal(3, 1), positive(1, 4)])
    case("div/rank3", "div", torch.div, [normal(2, 1, 3), positive(4, 3)])
    case("mul/second", "mul", torch.mul, [normal(3, 1), normal(1, 4)], second=True)
    case("maximum/same", "maximum", torch.maximum, [normal(3, 4), normal(3, 4)])
    case("maximum/row", "maximum", torch.maximum, [normal(3, 4), normal(4)])
    case("minimum/same", "minimum", torch.minimum, [normal(3, 4), normal(3, 4)])
    case("minimum/outer", "minimum", torch.minimum, [normal(3, 1), normal(1, 4)])

    x = normal(3, 4)
    for op, fn in [
        ("neg", torch.neg), ("exp", torch.exp), ("tanh", torch.tanh),
        ("sigmoid", torch.sigmoid), ("gelu", F.gelu), ("silu", F.silu),
        ("softplus", F.softplus), ("erf", torch.erf), ("square", torch.square),
        ("one_minus", lambda t: 1 - t), ("sin", torch.sin), ("cos", torch.cos),
    ]:
        case(op, op, fn, [x])
    for op, fn in [("log", torch.log), ("log1p", torch.log1p), ("sqrt", torch.sqrt)]:
        case(op, op, fn, [positive(3, 4)])
    case("pow", "pow", lambda t: t.pow(2.5), [positive(3, 4)], args=dict(p=2.5))
    case("pow/neg_exponent", "pow", lambda t: t.pow(-1.5), [positive(3, 4)], args=dict(p=-1.5))
    k = away(3, 4)
    case("abs", "abs", torch.abs, [k])
    case("relu", "relu", F.relu, [k])
    case("leaky_relu", "leaky_relu", lambda t: F.leaky_relu(t, 0.2), [k], args=dict(slope=0.2))
    case("elu", "elu", lambda t: F.elu(t, 1.0), [k], args=dict(alpha=1.0))
    case("elu/alpha", "elu", lambda t: F.elu(t, 0.7), [k], args=dict(alpha=0.7))
    case("clamp", "clamp", lambda t: t.clamp(-0.5, 0.8), [normal(3, 4)], args=dict(lo=-0.5, hi=0.8))
    case("add_scalar", "add_scalar", lambda t: t + 1.75, [x], args=dict(c=1.75))
    case("mul_scalar", "mul_scalar", lambda t: t * -2.5, [x], args=dict(c=-2.5))

    # Comparisons and sign are not differentiable; half-integer values make
    # ties and zeros common.
    r = torch.round(normal(3, 4) * 2) / 2
    case("sign", "sign", torch.sign, [r], diff=[False])
    for op in ("gt", "ge", "lt", "le", "eq"):
        fn = getattr(torch, op)
        case(op, op, lambda a, b: fn(a, b).to(torch.float32),
             [r, torch.round(normal(4) * 2) / 2], diff=[False, False])

    cond = (torch.rand((3, 4), generator=G) < 0.5).to(torch.float32)
    where = lambda c, a, b: torch.where(c != 0, a, b)
    case("where/same", "where", where, [cond, normal(3, 4), normal(3, 4)], diff=[False, True, True])
    case("where/broadcast", "where", where, [cond[:, :1].contiguous(), normal(3, 4), normal(4)],
         diff=[False, True, True])


def second_order():
    x = normal(3, 4)
    for op, fn in [("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("softplus", F.softplus),
                   ("silu", F.silu), ("gelu", F.gelu), ("exp", torch.exp), ("erf", torch.erf),
                   ("sin", torch.sin), ("cos", torch.cos)]:
        case(op + "/second", op, fn, [x], second=True)
    p = positive(3, 4)
    for op, fn in [("log", torch.log), ("sqrt", torch.sqrt), ("log1p", torch.log1p)]:
        case(op + "/second", op, fn, [p], second=True)
    case("pow/second", "pow", lambda t: t.pow(2.5), [p], args=dict(p=2.5), second=True)
    case("elu/second", "elu", lambda t: F.elu(t, 1.0), [away(3, 4)], args=dict(alpha=1.0), second=True)
    case("logsumexp/second", "logsumexp", lambda t: torch.logsumexp(t, dim=1),
         [normal(3, 4)], args=dict(axes=[1]), second=True)
    case("logsumexp/all/second", "logsumexp", lambda t: torch.logsumexp(t, dim=(0, 1)),
         [normal(3, 4)], second=True)
    case("softmax/second", "softmax", lambda t: torch.softmax(t, 1), [normal(3, 4)],
         args=dict(axis=1), second=True)
    case("log_softmax/second", "log_softmax", lambda t: torch.log_softmax(t, 0), [normal(3, 4)],
         args=dict(axis=0), second=True)
    case("var/second", "var", lambda t: t.var(dim=1), [normal(3, 4)],
         args=dict(axes=[1], correction=1), second=True)
    case("norm/second", "norm", lambda t: t.norm(dim=1), [normal(3, 4)], args=dict(axes=[1]), second=True)
    case("matmul/second", "matmul", torch.matmul, [normal(3, 5), normal(5, 2)], second=True)
    case("matmul/batched/second", "matmul", torch.matmul, [normal(2, 1, 3, 4), normal(3, 4, 2)],
         second=True)
    case("matmul/nt/second", "matmul", lambda a, b: a @ b.transpose(-1, -2),
         [normal(3, 5), normal(2, 5)], args=dict(trans_b=True), second=True)


def reductions():
    x = normal(2, 3, 4)
    for axes in ([], [1], [-1], [0, 2]):
        for keep in (False, True):
            if not axes and not keep:
                sfx = "/all"
            else:
                sfx = "/" + ",".join(str(a) for a in axes or ["all"]) + ("/keep" if keep else "")
            d = dims(axes, 3)
            a = dict(axes=axes, keepdim=keep)
            case("sum" + sfx, "sum", lambda t: t.sum(dim=d, keepdim=keep), [x], args=a)
            case("mean" + sfx, "mean", lambda t: t.mean(dim=d, keepdim=keep), [x], args=a)
            case("var" + sfx, "var", lambda t: t.var(dim=d, unbiased=True, keepdim=keep), [x],
                 args=dict(a, correction=1))
            case("max" + sfx, "max", lambda t: torch.amax(t, dim=d, keepdim=keep), [x], args=a)
            case("min" + sfx, "min", lambda t: torch.amin(t, dim=d, keepdim=keep), [x], args=a)
            case("logsumexp" + sfx, "logsumexp", lambda t: torch.logsumexp(t, dim=d, keepdim=keep),
                 [x], args=a)
        case("norm/" + (",".join(str(a) for a in axes) or "all"), "norm",
             lambda t: torch.linalg.vector_norm(t, dim=dims(axes, 3)), [x], args=dict(axes=axes))
    case("var/population", "var", lambda t: t.var(dim=1, unbiased=False), [x],
         args=dict(axes=[1], correction=0))
    # torch.max(dim) sends the gradient to the index it returns; with
    # distinct values that is the only position attaining the maximum.
    case("max/dim", "max", lambda t: t.max(dim=2).values, [x], args=dict(axes=[2]))
    for axis in (0, 1, -1):
        case("argmax/%d" % axis, "argmax", lambda t: t.argmax(dim=axis).to(torch.float32), [x],
             args=dict(axis=axis), diff=[False])
        case("argmin/%d" % axis, "argmin", lambda t: t.argmin(dim=axis).to(torch.float32), [x],
             args=dict(axis=axis), diff=[False])
    for axis in (0, 1, -1):
        case("softmax/%d" % axis, "softmax", lambda t: torch.softmax(t, axis), [x], args=dict(axis=axis))
        case("log_softmax/%d" % axis, "log_softmax", lambda t: torch.log_softmax(t, axis), [x],
             args=dict(axis=axis))


def matmuls():
    for ta in (False, True):
        for tb in (False, True):
            a = normal(5, 3) if ta else normal(3, 5)
            b = normal(4, 5) if tb else normal(5, 4)
            name = "matmul/" + ("t" if ta else "n") + ("t" if tb else "n")
            case(name, "matmul", lambda a, b: tr(a, ta) @ tr(b, tb), [a, b],
                 args=dict(trans_a=ta, trans_b=tb))
            case(name + "/batched", "matmul", lambda a, b: tr(a, ta) @ tr(b, tb),
                 [normal(2, 1, *a.shape), normal(3, *b.shape)], args=dict(trans_a=ta, trans_b=tb))
    case("matmul/batched_same", "matmul", torch.matmul, [normal(2, 3, 4), normal(2, 4, 5)])
    case("matmul/batched_shared_b", "matmul", torch.matmul, [normal(2, 3, 4), normal(4, 5)])
    case("matmul/batched_shared_a", "matmul", torch.matmul, [normal(3, 4), normal(2, 4, 5)])
    case("matmul/wide", "matmul", torch.matmul, [normal(7, 33), normal(33, 9)])
    case("transpose_matmul", "transpose_matmul", lambda a, b: a.T @ b, [normal(4, 3), normal(4, 2)])


def shapes():
    x = normal(2, 3, 4)
    case("reshape", "reshape", lambda t: t.reshape(4, -1), [x], args=dict(shape=[4, -1]))
    case("reshape/flat", "reshape", lambda t: t.reshape(-1), [x], args=dict(shape=[-1]))
    case("unsqueeze", "unsqueeze", lambda t: t.unsqueeze(1), [x], args=dict(axis=1))
    case("squeeze", "squeeze", lambda t: t.squeeze(1), [normal(3, 1, 2)], args=dict(axes=[1]))
    case("permute", "permute", lambda t: t.permute(2, 0, 1), [x], args=dict(perm=[2, 0, 1]))
    case("permute/neg", "permute", lambda t: t.permute(1, -1, 0), [x], args=dict(perm=[1, -1, 0]))
    case("transpose", "transpose", lambda t: t.transpose(0, 2), [x], args=dict(axes=[0, 2]))
    case("T", "T", lambda t: t.transpose(-1, -2), [x])
    for axis, start, length in [(0, 1, 1), (1, 1, 2), (-1, 0, 3)]:
        case("narrow/%d" % axis, "narrow", lambda t: t.narrow(axis, start, length), [x],
             args=dict(axis=axis, start=start, length=length))
    for axis, before, after in [(0, 1, 2), (1, 0, 1), (2, 2, 0)]:
        case("pad/%d" % axis, "pad", lambda t: F.pad(t, pad_tuple(3, axis, before, after)), [x],
             args=dict(axis=axis, before=before, after=after))
    case("broadcast_to", "broadcast_to", lambda t: t.expand(2, 3, 4), [normal(3, 1)],
         args=dict(shape=[2, 3, 4]))
    case("sum_to", "sum_to", lambda t: t.sum_to_size(3, 1), [x], args=dict(shape=[3, 1]))
    for axis in (0, 1, 2):
        parts = []
        for n in (1, 3, 2):
            s = list(x.shape)
            s[axis] = n
            parts.append(normal(*s))
        case("cat/%d" % axis, "cat", lambda *ts: torch.cat(ts, axis), parts, args=dict(axis=axis))
    for axis in (0, 2, -1):
        case("stack/%d" % axis, "stack", lambda *ts: torch.stack(ts, axis),
             [normal(3, 4), normal(3, 4), normal(3, 4)], args=dict(axis=axis))
    case("index_select", "index_select", lambda t: t.index_select(1, torch.tensor([2, 0, 2, 1])),
         [x], args=dict(axis=1, index=[2, 0, 2, 1]))
    case("index_select/0", "index_select", lambda t: t.index_select(0, torch.tensor([1, 1])),
         [x], args=dict(axis=0, index=[1, 1]))
    case("index_add", "index_add",
         lambda t: torch.zeros(2, 5, 4).index_add(1, torch.tensor([4, 0, 4]), t),
         [x], args=dict(axis=1, index=[4, 0, 4], n=5))
    for axis, ishape in [(1, (2, 5, 4)), (2, (2, 3, 2)), (0, (3, 3, 4))]:
        idx = index(ishape, x.shape[axis])
        case("gather/%d" % axis, "gather", lambda t: t.gather(axis, idx.long()), [x],
             args=dict(axis=axis, index=enc(idx)))
    for axis, n in [(1, 5), (2, 2), (0, 3)]:
        idx = index((2, 3, 4), n)
        out_shape = list(x.shape)
        out_shape[axis] = n
        case("scatter_add/%d" % axis, "scatter_add",
             lambda t: torch.zeros(out_shape).scatter_add(axis, idx.long(), t), [x],
             args=dict(axis=axis, index=enc(idx), n=n))


def windows():
    geoms = [
        dict(kh=3, kw=3, stride_h=1, stride_w=1, pad_h=0, pad_w=0, dil_h=1, dil_w=1),
        dict(kh=3, kw=2, stride_h=2, stride_w=1, pad_h=1, pad_w=1, dil_h=1, dil_w=1),
        dict(kh=2, kw=2, stride_h=1, stride_w=2, pad_h=1, pad_w=0, dil_h=2, dil_w=1),
    ]
    h, w = 5, 4
    for i, g in enumerate(geoms):
        kw = dict(kernel_size=(g["kh"], g["kw"]), dilation=(g["dil_h"], g["dil_w"]),
                  padding=(g["pad_h"], g["pad_w"]), stride=(g["stride_h"], g["stride_w"]))
        img = normal(2, 2, h, w)
        case("unfold/%d" % i, "unfold", lambda t: F.unfold(t, **kw), [img], args=dict(geom=g))
        cols = F.unfold(img, **kw)
        case("fold/%d" % i, "fold", lambda t: F.fold(t, output_size=(h, w), **kw), [normal(*cols.shape)],
             args=dict(geom=g, h=h, w=w))


def main():
    elementwise()
    second_order()
    reductions()
    matmuls()
    shapes()
    windows()
    doc = {
        "generator": "scripts/tensor_golden.py",
        "torch_version": torch.__version__,
        "seed": SEED,
        "cases": CASES,
    }
    text = json.dumps(doc, separators=(",", ":")).replace('{"name"', '\n{"name"') + "\n"
    write_text(OUT, text)
    print("wrote %s: %d cases, %d bytes" % (OUT, len(CASES), len(text)))


if __name__ == "__main__":
    main()
