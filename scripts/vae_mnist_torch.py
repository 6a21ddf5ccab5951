"""The VAE recipe of `gibbs train vae --data mnist` in PyTorch, for comparison.

It follows pytorch/examples' vae/main.py: encoder 784-400-(20 mean, 20
log-variance) and decoder 20-400-784 with ReLU, a Bernoulli decoder (binary
cross-entropy summed over the pixels), the ELBO with one z per sample,
Adam at 1e-3, batches of 128, 10 epochs; it prints the mean training loss
and the test loss (negative ELBO) per sample after each epoch, then the
IWAE bound with k = 100 on the test set (Burda et al. 2015).

It reads MNIST's IDX files itself (gzip + numpy), from the folder given as
its first argument (default: the GoMNIST module in the Go module cache):

    /usr/bin/python3 scripts/vae_mnist_torch.py [MNIST_DIR] [--epochs 10] [--seed 1]
"""

import argparse
import math
import os
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from idxfiles import default_dir, read_idx


def load(folder, prefix):
    x = read_idx(os.path.join(folder, prefix + "-images-idx3-ubyte.gz"))
    return torch.from_numpy(x.reshape(len(x), -1).astype(np.float32) / 255)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.fc21(h), self.fc22(h)

    def decode(self, z):
        return self.fc4(F.relu(self.fc3(z)))  # logits

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decode(z), mu, logvar


def terms(model, x):
    logits, mu, logvar = model(x)
    recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)
    return recon, kl


@torch.no_grad()
def iwae(model, x, k):
    mu, logvar = model.encode(x)
    eps = torch.randn(k, *mu.shape)
    z = mu + eps * torch.exp(0.5 * logvar)
    log_q = -0.5 * (eps.pow(2) + logvar).sum(2)
    log_p = -0.5 * z.pow(2).sum(2)
    logits = model.decode(z.reshape(-1, mu.shape[1]))
    ys = x.unsqueeze(0).expand(k, *x.shape).reshape(-1, x.shape[1])
    log_lik = -F.binary_cross_entropy_with_logits(logits, ys, reduction="none").sum(1).reshape(k, -1)
    return torch.logsumexp(log_lik + log_p - log_q, 0) - math.log(k)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mnist_dir", nargs="?", default=None)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--iwae-k", type=int, default=100)
    args = ap.parse_args()
    folder = args.mnist_dir or default_dir()
    torch.manual_seed(args.seed)
    train, test = load(folder, "train"), load(folder, "t10k")
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.time()
    for epoch in range(1, args.epochs + 1):
        total = 0.0
        for idx in torch.randperm(len(train)).split(128):
            x = train[idx]
            recon, kl = terms(model, x)
            loss = (recon + kl).sum()
            opt.zero_grad()
            (loss / len(x)).backward()
            opt.step()
            total += loss.item()
        with torch.no_grad():
            test_loss = sum((lambda r, k: (r + k).sum().item())(*terms(model, x)) for x in test.split(500))
        print(f"epoch {epoch}: train loss {total / len(train):.4f}, test loss {test_loss / len(test):.4f} per sample ({time.time() - start:.0f} s)", flush=True)
    if args.iwae_k > 0:
        bound = torch.cat([iwae(model, x, args.iwae_k) for x in test.split(40)])
        print(f"IWAE (k={args.iwae_k}, {len(test)} test samples) log-likelihood {bound.mean().item():.4f}")


if __name__ == "__main__":
    main()
