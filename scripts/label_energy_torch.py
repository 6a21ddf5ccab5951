"""The label-energy recipe of `gibbs train ebm --target label` in PyTorch, for comparison.

A 784-256-128-10 ReLU MLP whose outputs are the negated energies (logits)
of the ten labels, trained on the cross-entropy (the NLL/MMI loss with
beta 1) by Adam at 1e-3 (betas 0.9, 0.999, eps 1e-8) with shuffled batches
of 128 for 10 epochs, PyTorch's default initialisation, pixels scaled to
[0, 1] and nothing else. After each epoch it prints the test accuracy and
the mean energy margin E(most offending incorrect) - E(correct); at the end
the out-of-distribution AUROCs of the energy score (the negative logsumexp
of the logits, Liu et al. 2020) and of the maximum softmax probability
(Hendrycks & Gimpel 2017) against the other data set's test split, the
outside samples as positives (sklearn's roc_auc_score).

It reads the gzipped IDX files itself from where gibbs finds them:

    /usr/bin/python3 scripts/label_energy_torch.py [--data fashion-mnist|mnist] [--epochs 10] [--seeds 1,2,3]
"""

import argparse
import os
import time

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from torch import nn
from torch.nn import functional as F

from idxfiles import FASHION_MNIST_DIR, default_dir, read_idx


def folder(name):
    return FASHION_MNIST_DIR if name == "fashion-mnist" else default_dir()


def load(name, prefix):
    d = folder(name)
    x = read_idx(os.path.join(d, prefix + "-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(d, prefix + "-labels-idx1-ubyte.gz"))
    return torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255), torch.from_numpy(y.astype(np.int64))


def energies(model, x):
    with torch.no_grad():
        return -model(x)


def evaluate(model, x, y):
    e = energies(model, x)
    acc = (e.argmin(1) == y).float().mean().item()
    correct = e.gather(1, y[:, None])[:, 0]
    others = e.clone()
    others[torch.arange(len(y)), y] = float("inf")
    margin = (others.min(1).values - correct).mean().item()
    return acc, margin


def ood(model, x_in, x_out):
    e_in, e_out = energies(model, x_in), energies(model, x_out)
    truth = np.r_[np.zeros(len(x_in)), np.ones(len(x_out))]
    free = torch.cat([-torch.logsumexp(-e_in, 1), -torch.logsumexp(-e_out, 1)]).numpy()
    msp = torch.cat([-F.softmax(-e_in, 1).max(1).values, -F.softmax(-e_out, 1).max(1).values]).numpy()
    return roc_auc_score(truth, free), roc_auc_score(truth, msp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="fashion-mnist", choices=["fashion-mnist", "mnist"])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    other = "mnist" if args.data == "fashion-mnist" else "fashion-mnist"
    x, y = load(args.data, "train")
    xt, yt = load(args.data, "t10k")
    xo, _ = load(other, "t10k")
    finals = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        start = time.time()
        for epoch in range(1, args.epochs + 1):
            perm = torch.randperm(len(x))
            for i in range(0, len(x), 128):
                idx = perm[i:i + 128]
                loss = F.cross_entropy(model(x[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            acc, margin = evaluate(model, xt, yt)
            print(f"seed {seed} epoch {epoch}: test accuracy {100 * acc:.2f}%, mean energy margin {margin:.4f}", flush=True)
        auc_energy, auc_msp = ood(model, xt, xo)
        print(f"seed {seed}: {time.time() - start:.1f} s; OOD {args.data} -> {other}: energy AUROC {auc_energy:.4f}, MSP AUROC {auc_msp:.4f}")
        finals.append((acc, auc_energy, auc_msp))
    f = np.array(finals)
    print(f"{args.data}, {len(finals)} seeds: test accuracy {100 * f[:, 0].mean():.2f}% (min {100 * f[:, 0].min():.2f}%, max {100 * f[:, 0].max():.2f}%); "
          f"OOD against {other}: energy AUROC {f[:, 1].mean():.4f}, MSP AUROC {f[:, 2].mean():.4f}")


if __name__ == "__main__":
    main()
