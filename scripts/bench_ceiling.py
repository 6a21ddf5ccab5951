#!/usr/bin/python3
"""How near each side of a bench_compare.py run comes to the machine's peak.

Counts the multiply-adds of the matrix products and convolutions in one
step of each workload (forward, and the backward products the recipe
needs: no input gradient for a first layer whose input is data, the
weight gradients of every network the step differentiates), as
/work/shared/bench/torch_ref.py and package bench define the steps.
From a run's --raw file it gives each side's rate in those products alone
(GFLOP/s of the step's time, everything else in the step counted as
time without products), as a share of the float32 FMA peak the same run
measured, and the ratio gibbs / PyTorch that a step made of nothing but
products at peak would reach: the ceiling of the ratio on that machine.

    /usr/bin/python3 scripts/bench_compare.py --torch-ref PATH --raw run.jsonl
    /usr/bin/python3 scripts/bench_ceiling.py run.jsonl [--peak GFLOPS]

Element-wise work (activations, norms, softmax, Adam) is not counted: it
is small in operations but not in time, which is what the shares show.
"""

import argparse
import json
import sys

from bench_compare import TORCH_NAMES


def layer(macs, weight=True, dx=1):
    """One product of macs multiply-adds a sample; weight: it has a weight
    gradient; dx: how many forward-sized products its input gradient
    takes (attention's four backward products are two)."""
    return (macs, weight, dx)


def fwd(net, n):
    return n * sum(m for m, _, _ in net)


def dw(net, n):
    return n * sum(m for m, w, _ in net if w)


def dx(net, n, first):
    """Input gradients through net; first: also the first layer's."""
    return n * sum(m * f for i, (m, _, f) in enumerate(net) if first or i > 0)


def train(net, n):
    """A plain training step on data: forward, weight and input gradients."""
    return fwd(net, n) + dw(net, n) + dx(net, n, False)


def encoder_layer(tokens_per_seq, d, heads, ff):
    """Per token: the QKV projection, attention (scores and values), the
    output projection and the feed-forward pair."""
    att = 2 * tokens_per_seq * d  # Q K^T and P V: t * (d / heads) each, per head
    return [layer(d * 3 * d), layer(att, weight=False, dx=2), layer(d * d), layer(d * ff), layer(ff * d)]


def langevin_then_update(net, neg, steps):
    """steps input gradients of the negatives, then one update on as many
    positives and the negatives."""
    return steps * (fwd(net, neg) + dx(net, neg, True)) + train(net, 2 * neg)


def gan_step(g, d, n):
    """Fakes made once; D's step on n real and n fake; G's step through D
    (D's weight gradients are taken too, as the recipes' backward does)."""
    return (fwd(g, n) + train(d, 2 * n) +
            fwd(d, n) + dw(d, n) + dx(d, n, True) + dw(g, n) + dx(g, n, False))


def conv(out_hw, cin, cout, k):
    return layer(out_hw * cin * cout * k * k)


def conv_t(in_hw, cin, cout, k):
    return layer(in_hw * cin * cout * k * k)


def step_macs():
    """Multiply-adds of one step (unit of the bench's rate) per workload,
    and how many of the rate's units a step is."""
    mlp_ae = [layer(784 * 256), layer(256 * 64), layer(64 * 256), layer(256 * 784)]
    vae = [layer(784 * 400), layer(400 * 20), layer(400 * 20), layer(20 * 400), layer(400 * 784)]
    gan_g = [layer(64 * 256), layer(256 * 256), layer(256 * 784)]
    gan_d = [layer(784 * 256), layer(256 * 256), layer(256)]
    tfm = encoder_layer(64, 128, 4, 512)
    rev = encoder_layer(16, 64, 4, 128) * 2 + [layer(64 * 10)]
    convnet = [conv(26 * 26, 1, 32, 3), conv(11 * 11, 32, 64, 3), layer(1600 * 128), layer(128 * 10)]
    conv_ae = [conv(14 * 14, 1, 32, 3), conv(7 * 7, 32, 64, 3), layer(3136 * 32), layer(32 * 3136),
               conv_t(7 * 7, 64, 32, 3), conv_t(14 * 14, 32, 1, 3)]
    ebm2d = [layer(2 * 128), layer(128 * 128), layer(128)]
    ebm_img = [conv(14 * 14, 1, 32, 3), conv(7 * 7, 32, 64, 3), layer(3136)]
    dc_g = [layer(100 * 6272), conv_t(7 * 7, 128, 64, 4), conv_t(14 * 14, 64, 1, 4)]
    dc_d = [conv(14 * 14, 1, 64, 4), conv(7 * 7, 64, 128, 4), layer(6272)]
    return {
        "mlp_ae": (train(mlp_ae, 128), 128),
        "vae": (train(vae, 128), 128),
        "gan": (gan_step(gan_g, gan_d, 128), 1),
        "transformer": (train(tfm, 32 * 64), 32),
        # The embedding's weights take gradients: the first layer's input does too.
        "transformer_reverse": (fwd(rev, 128 * 16) + dw(rev, 128 * 16) + dx(rev, 128 * 16, True), 128),
        "convnet": (train(convnet, 128), 128),
        "conv_ae": (train(conv_ae, 128), 128),
        "ebm2d": (langevin_then_update(ebm2d, 256, 20), 1),
        "dcgan": (gan_step(dc_g, dc_d, 64), 1),
        "ebm_image": (langevin_then_update(ebm_img, 64, 20), 1),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("raw", help="the --raw file of a bench_compare.py run")
    ap.add_argument("--peak", type=float, default=0, help="FMA peak in GFLOP/s (default: the run's)")
    args = ap.parse_args()
    recs = [json.loads(line) for line in open(args.raw) if line.strip()]
    peak = args.peak or next((r["value"] for r in recs if r["bench"] == "fma_peak"), 0)
    if not peak:
        sys.exit("bench_ceiling: %s has no fma_peak record (a run with sgemm has one); pass --peak" % args.raw)
    # The first figure of each: the run ends with a memory check of mlp_ae
    # on random data, timed too. PyTorch: its better thread count.
    gibbs, seen, torch = {}, set(), {}
    for r in recs:
        if "value" not in r:
            continue
        if r.get("side") == "gibbs":
            gibbs.setdefault(r["bench"], r["value"])
        elif r.get("side") == "torch" and (r["bench"], r["threads"]) not in seen:
            seen.add((r["bench"], r["threads"]))
            torch[r["bench"]] = max(torch.get(r["bench"], 0), r["value"])
    print("FMA peak: %.0f GFLOP/s (2 threads)\n" % peak)
    print("| workload | GFLOP a step (products) | gibbs GFLOP/s | of peak | PyTorch GFLOP/s | of peak |"
          " ratio now | ratio at peak | 1.5x needs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, (macs, units) in step_macs().items():
        tname = TORCH_NAMES.get(name, [name])[0]  # the transformer: nn.TransformerEncoderLayer
        if name not in gibbs or tname not in torch:
            continue
        gflop = 2 * macs / 1e9
        g, t = gibbs[name] / units * gflop, torch[tname] / units * gflop
        print("| %s | %.3f | %.0f | %.0f%% | %.0f | %.0f%% | %.2f | %.2f | %.0f%% |" % (
            name, gflop, g, 100 * g / peak, t, 100 * t / peak, g / t, peak / t, 150 * t / peak))


if __name__ == "__main__":
    main()
