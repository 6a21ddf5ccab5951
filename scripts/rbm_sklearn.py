"""scikit-learn's BernoulliRBM beside `gibbs train rbm`, on the same data.

It binarises MNIST exactly as gibbs's rbm package does with --binarize
sample (rbm.Binarize): pixel byte q of value i (row-major over the split)
becomes 1 when splitmix64(stream << 32 | i) mod 255 < q, stream 1 for the
training split and 2 for the test split, so both programs train and test on
the same bits (--binarize threshold: q/255 > 0.5). It then trains
sklearn.neural_network.BernoulliRBM with the given hidden units, epochs
(n_iter), learning rate and batch size. BernoulliRBM trains by persistent
CD with one Gibbs step (its h_samples_ are persistent chains), plain SGD on
the batch's mean gradient, no momentum or weight decay, weights from
N(0, 0.01^2) and zero biases. At the end it prints the mean of
score_samples, the stochastic pseudo-likelihood with one flipped unit per
sample, on the first 10000 training samples and on the test set, the
numbers `gibbs train rbm` reports as train_pl and test_pl.

It reads MNIST's IDX files itself (gzip + numpy), from the folder given as
its first argument (default: the GoMNIST module in the Go module cache):

    /usr/bin/python3 scripts/rbm_sklearn.py [MNIST_DIR] [--hidden 500] [--epochs 5] [--lr 0.05] [--batch 100]
"""

import argparse
import os
import time

import numpy as np
from sklearn.neural_network import BernoulliRBM

from idxfiles import default_dir, read_idx

TRAIN_STREAM, TEST_STREAM = 1, 2


def splitmix64(x):
    """SplitMix64's output function on an array of uint64 (wrapping)."""
    with np.errstate(over="ignore"):
        z = x + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def binarize(q, method, stream):
    """The bits of rbm.Binarize for pixel bytes q ([N, D] uint8)."""
    if method == "threshold":
        return (q.astype(np.float32) / 255 > 0.5).astype(np.float64)
    i = np.arange(q.size, dtype=np.uint64) | (np.uint64(stream) << np.uint64(32))
    return (splitmix64(i) % np.uint64(255) < q.reshape(-1).astype(np.uint64)).reshape(q.shape).astype(np.float64)


def load(folder, prefix, method, stream):
    q = read_idx(os.path.join(folder, prefix + "-images-idx3-ubyte.gz"))
    return binarize(q.reshape(len(q), -1), method, stream)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mnist_dir", nargs="?", default=None)
    ap.add_argument("--hidden", type=int, default=500)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--binarize", choices=["sample", "threshold"], default="sample")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    folder = args.mnist_dir or default_dir()
    x_train = load(folder, "train", args.binarize, TRAIN_STREAM)
    x_test = load(folder, "t10k", args.binarize, TEST_STREAM)
    print(f"binarised MNIST ({args.binarize}): {x_train.shape[0]} training, {x_test.shape[0]} test samples, "
          f"mean pixel {x_train.mean():.4f} (train) {x_test.mean():.4f} (test)")
    rbm = BernoulliRBM(n_components=args.hidden, learning_rate=args.lr, batch_size=args.batch, n_iter=args.epochs,
                       random_state=args.seed, verbose=1)
    start = time.time()
    rbm.fit(x_train)
    took = time.time() - start
    train_pl = rbm.score_samples(x_train[:10000]).mean()
    test_pl = rbm.score_samples(x_test).mean()
    print(f"BernoulliRBM {args.hidden} hidden, {args.epochs} epochs, lr {args.lr}, batch {args.batch}: "
          f"pseudo-likelihood {train_pl:.2f} (train) {test_pl:.2f} (test) nats, {took:.0f} s of training")


if __name__ == "__main__":
    main()
