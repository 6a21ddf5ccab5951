#!/usr/bin/python3
"""Writes nn/testdata/attention_golden.json: reference results of PyTorch's
nn.MultiheadAttention, nn.TransformerEncoderLayer, nn.TransformerEncoder and
nn.TransformerDecoderLayer, which the Go tests in package nn replay.

Run from the repository root with a Python that has torch 1.13:

    /usr/bin/python3 scripts/attention_golden.py

Each case stores the module's state dict (PyTorch's names), the inputs, the
outputs and the gradients of sum(out * seed) with respect to the inputs and
every parameter, where seed is a fixed random tensor stored beside them.
Masks are stored as 0/1 (1 = ignore) or as additive float masks. Every
float32 value is written as the shortest decimal that reads back to the same
float32.
"""

import json
import os

import numpy as np
import torch

from atomic_write import write_text

OUT = os.path.join("nn", "testdata", "attention_golden.json")
SEED = 20240612
B, TQ, TK, E, HEADS, FF = 2, 3, 4, 8, 2, 16


def encode(t):
    t = t.detach().to(torch.float32).contiguous()
    return {
        "shape": list(t.shape),
        "data": [float(repr(np.float32(v))) for v in t.reshape(-1).tolist()],
    }


def padding_mask():
    # Sequence 0 pads its last key, sequence 1 its last two.
    m = torch.zeros(B, TK, dtype=torch.bool)
    m[0, TK - 1] = True
    m[1, TK - 2:] = True
    return m


def causal_mask(t):
    return torch.triu(torch.full((t, t), float("-inf")), diagonal=1)


def finish(name, module, inputs, out, weights=None, masks=None, config=None):
    """Backpropagates sum(out * seed) and packs the case."""
    seed = torch.randn(out.shape)
    (out * seed).sum().backward()
    case = {
        "name": name,
        "config": config or {},
        "state": {k: encode(v) for k, v in module.state_dict().items()},
        "inputs": {k: encode(v) for k, v in inputs.items()},
        "masks": {k: encode(v.to(torch.float32)) for k, v in (masks or {}).items()},
        "seed": encode(seed),
        "out": encode(out),
        "grads": {k: encode(v.grad) for k, v in inputs.items()},
    }
    case["grads"].update({k: encode(p.grad) for k, p in module.named_parameters()})
    if weights is not None:
        case["weights"] = encode(weights)
    return case


def leaf(*shape):
    return torch.randn(*shape).requires_grad_(True)


def mha_padding():
    m = torch.nn.MultiheadAttention(E, HEADS, batch_first=True)
    with torch.no_grad():  # non-zero biases, so their gradients are tested
        m.in_proj_bias.normal_()
        m.out_proj.bias.normal_()
    q, k, v = leaf(B, TQ, E), leaf(B, TK, E), leaf(B, TK, E)
    kpm = padding_mask()
    out, w = m(q, k, v, key_padding_mask=kpm, need_weights=True)
    return finish("mha_padding", m, {"query": q, "key": k, "value": v}, out, w,
                  masks={"key_padding": kpm})


def mha_causal():
    m = torch.nn.MultiheadAttention(E, HEADS, batch_first=True)
    x = leaf(B, TK, E)
    out, w = m(x, x, x, attn_mask=causal_mask(TK), need_weights=True)
    return finish("mha_causal", m, {"x": x}, out, w)


def encoder_layer(name, activation, norm_first):
    m = torch.nn.TransformerEncoderLayer(E, HEADS, FF, dropout=0.0, activation=activation,
                                         batch_first=True, norm_first=norm_first)
    with torch.no_grad():  # LayerNorm away from its identity initialisation
        for norm in (m.norm1, m.norm2):
            norm.weight.normal_(1, 0.2)
            norm.bias.normal_(0, 0.2)
    x = leaf(B, TK, E)
    kpm = padding_mask()
    out = m(x, src_key_padding_mask=kpm)
    config = {"activation": activation, "norm_first": norm_first}
    return finish(name, m, {"x": x}, out, masks={"key_padding": kpm}, config=config)


def encoder_stack():
    layer = torch.nn.TransformerEncoderLayer(E, HEADS, FF, dropout=0.0, activation="gelu",
                                             batch_first=True, norm_first=True)
    m = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(E),
                                    enable_nested_tensor=False)
    with torch.no_grad():  # layers differ, so a swapped name would show
        for p in m.layers[1].parameters():
            p.add_(0.1 * torch.randn(p.shape))
    x = leaf(B, TK, E)
    out = m(x, mask=causal_mask(TK))
    config = {"activation": "gelu", "norm_first": True, "layers": 2, "final_norm": True}
    return finish("encoder_stack_causal", m, {"x": x}, out, config=config)


def decoder_layer(name, norm_first):
    m = torch.nn.TransformerDecoderLayer(E, HEADS, FF, dropout=0.0, activation="relu",
                                         batch_first=True, norm_first=norm_first)
    tgt, memory = leaf(B, TQ, E), leaf(B, TK, E)
    kpm = padding_mask()
    out = m(tgt, memory, tgt_mask=causal_mask(TQ), memory_key_padding_mask=kpm)
    config = {"activation": "relu", "norm_first": norm_first}
    return finish(name, m, {"tgt": tgt, "memory": memory}, out,
                  masks={"memory_key_padding": kpm}, config=config)


def main():
    torch.manual_seed(SEED)
    cases = [
        mha_padding(),
        mha_causal(),
        encoder_layer("encoder_post_relu", "relu", False),
        encoder_layer("encoder_pre_gelu", "gelu", True),
        encoder_stack(),
        decoder_layer("decoder_post", False),
        decoder_layer("decoder_pre", True),
    ]
    doc = {
        "torch": torch.__version__,
        "dims": {"batch": B, "tq": TQ, "tk": TK, "embed": E, "heads": HEADS, "ff": FF},
        "cases": cases,
    }
    write_text(OUT, json.dumps(doc, separators=(",", ":")))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
