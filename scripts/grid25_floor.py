#!/usr/bin/python3
"""How close the default grid25 energy network gets to the data when its
gradient needs no sampler: the same network (2-128-128-128-1, SiLU, PyTorch's
initialisation), optimiser (Adam at 1e-2, cosine to zero over 3000 steps) and
data batch (256 of 20000 training points) as `gibbs train ebm --data grid25`,
trained by maximum likelihood with log Z estimated by self-normalised
importance sampling from proposals that cover the wells (80% a mixture of
std 0.1 at the 25 centres, 20% uniform over the box [-3, 3]^2). The test NLL
is normalised on a 600 x 600 grid, as gibbs's is on 256 x 256.

    /usr/bin/python3 scripts/grid25_floor.py --seed 1 [--proposals 1024] [--features point|quadratic]
"""
import argparse
import math

import torch

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--steps", type=int, default=3000)
ap.add_argument("--proposals", type=int, default=1024, help="importance samples per step")
ap.add_argument("--features", choices=["point", "quadratic"], default="point",
                help="quadratic: the network reads x, y, x^2, xy, y^2")
args = ap.parse_args()
torch.set_num_threads(1)
torch.manual_seed(args.seed)

STD, BOX = 0.05, 3.0
centres = torch.tensor([(i, j) for i in range(-2, 3) for j in range(-2, 3)], dtype=torch.float32)


def mixture(n, std):
    return centres[torch.randint(0, 25, (n,))] + std * torch.randn(n, 2)


def log_mixture(x, std):
    d2 = ((x[:, None, :] - centres[None]) ** 2).sum(-1)
    return torch.logsumexp(-d2 / (2 * std * std), 1) - math.log(2 * math.pi * std * std * 25)


def features(x):
    if args.features == "point":
        return x
    return torch.cat([x, x * x, x[:, :1] * x[:, 1:]], 1)


train, test = mixture(20000, STD), mixture(5000, STD)
width = 2 if args.features == "point" else 5
net = torch.nn.Sequential(torch.nn.Linear(width, 128), torch.nn.SiLU(), torch.nn.Linear(128, 128), torch.nn.SiLU(),
                          torch.nn.Linear(128, 128), torch.nn.SiLU(), torch.nn.Linear(128, 1))
energy = lambda x: net(features(x)).squeeze(1)
opt = torch.optim.Adam(net.parameters(), lr=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.steps)


def log_proposal(z):
    return torch.logaddexp(log_mixture(z, 0.1) + math.log(0.8), torch.full((z.shape[0],), math.log(0.2 / (2 * BOX) ** 2)))


for _ in range(args.steps):
    y = train[torch.randint(0, train.shape[0], (256,))]
    m = int(args.proposals * 0.8)
    z = torch.cat([mixture(m, 0.1), torch.rand(args.proposals - m, 2) * 2 * BOX - BOX])
    loss = energy(y).mean() + torch.logsumexp(-energy(z) - log_proposal(z), 0)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()

n = 600
xs = (torch.arange(n) + 0.5) / n * 2 * BOX - BOX
grid = torch.stack(torch.meshgrid(xs, xs, indexing="ij"), -1).reshape(-1, 2)
with torch.no_grad():
    e = torch.cat([energy(grid[i:i + 40000]) for i in range(0, grid.shape[0], 40000)])
    log_z = torch.logsumexp(-e, 0).item() + math.log((2 * BOX / n) ** 2)
    nll = energy(test).mean().item() + log_z
true = -log_mixture(test, STD).mean().item()
print(f"seed {args.seed} features {args.features} proposals {args.proposals}: test NLL {nll:.4f}, true {true:.4f}, gap {nll - true:.4f}")
