"""The one-class MNIST recipe of scripts/oneclass.sh in PyTorch, for comparison.

For each digit d (Ruff et al. 2018's protocol): train an MLP autoencoder
784-128-32-128-784 (ReLU, linear code, logits out) on the training images of
d alone, with the binary cross-entropy summed over the pixels and averaged
over the batch, Adam at 1e-3, batches of 128, 20 epochs; score every test
image by its reconstruction energy ||y - sigmoid(dec(enc(y)))||^2; print
the AUROC with d normal and every other digit an anomaly (the rank
statistic of Mann and Whitney, ties averaged).

It reads MNIST's IDX files with gzip + numpy (idxfiles.py):

    /usr/bin/python3 scripts/oneclass_torch.py [MNIST_DIR] [--digits 0,1,...] [--seed 1]
"""

import argparse
import os
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from idxfiles import default_dir, read_idx


def load(folder, prefix):
    x = read_idx(os.path.join(folder, prefix + "-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(folder, prefix + "-labels-idx1-ubyte.gz"))
    return torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255), torch.from_numpy(y.astype(np.int64))


def autoencoder():
    return nn.Sequential(
        nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 32),
        nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 784),
    )


def auroc(scores, anomalous):
    """Area under the ROC curve: the Mann-Whitney U of the anomalies' ranks
    (tied scores get the mean of their ranks) over the number of pairs."""
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    lo = 0
    while lo < len(scores):
        hi = lo + 1
        while hi < len(scores) and sorted_scores[hi] == sorted_scores[lo]:
            hi += 1
        ranks[order[lo:hi]] = (lo + hi + 1) / 2
        lo = hi
    a = int(anomalous.sum())
    n = len(scores) - a
    return (ranks[anomalous].sum() - a * (a + 1) / 2) / (a * n)


def one_class(digit, train_x, train_y, test_x, test_y, epochs, seed):
    torch.manual_seed(seed)
    x = train_x[train_y == digit]
    model = autoencoder()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(epochs):
        for idx in torch.randperm(len(x)).split(128):
            batch = x[idx]
            loss = F.binary_cross_entropy_with_logits(model(batch), batch, reduction="none").sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        energy = torch.cat([(torch.sigmoid(model(t)) - t).pow(2).sum(1) for t in test_x.split(500)])
    return auroc(energy.numpy(), (test_y != digit).numpy())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mnist_dir", nargs="?", default=None)
    ap.add_argument("--digits", default="0,1,2,3,4,5,6,7,8,9")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    folder = args.mnist_dir or default_dir()
    train_x, train_y = load(folder, "train")
    test_x, test_y = load(folder, "t10k")
    total = []
    for d in [int(s) for s in args.digits.split(",")]:
        start = time.time()
        auc = one_class(d, train_x, train_y, test_x, test_y, args.epochs, args.seed)
        total.append(auc)
        print(f"digit {d}: AUROC {auc:.4f} ({time.time() - start:.0f} s)", flush=True)
    print(f"mean AUROC {np.mean(total):.4f}")


if __name__ == "__main__":
    main()
