#!/usr/bin/python3
"""Where a grid25 energy's test NLL gap lies: its KL divergence from the data,
split into the part from the masses of the 25 wells and the part from their
shapes, and the wells' widths against the data's.

The model's density exp(-F)/Z is evaluated on a 600 x 600 grid over the box
[-3, 3]^2 (the energies by `gibbs score`); each cell belongs to its nearest
centre. KL(data || model) = KL of the cells' masses + the mean over the
wells of the KL of their shapes (each density normalised within its cell).
Each well's covariance is taken under the model's density in its cell; its
eigenvalues over the data's variance 0.05^2 are the width ratios.

    /usr/bin/python3 scripts/grid25_wells.py --gibbs ./gibbs --run runs/grid25
"""
import argparse
import os
import subprocess
import tempfile

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("--gibbs", default="gibbs", help="the gibbs command")
ap.add_argument("--run", required=True, help="run folder of `gibbs train ebm --data grid25`")
ap.add_argument("--res", type=int, default=600, help="grid cells per side")
args = ap.parse_args()

STD, BOX, n = 0.05, 3.0, args.res
xs = (np.arange(n) + 0.5) / n * 2 * BOX - BOX
points = np.stack(np.meshgrid(xs, xs, indexing="ij"), -1).reshape(-1, 2)
with tempfile.TemporaryDirectory() as tmp:
    grid, scores = os.path.join(tmp, "grid.csv"), os.path.join(tmp, "energies.csv")
    np.savetxt(grid, points, delimiter=",", fmt="%.6f", header="x,y", comments="")
    subprocess.run([args.gibbs, "score", "--run", args.run, "--input", grid, "--out", scores, "--batch", "4096"],
                   check=True, stdout=subprocess.DEVNULL)
    energy = np.loadtxt(scores, delimiter=",", skiprows=1, ndmin=2)[:, 0]

cell = (2 * BOX / n) ** 2
log_q = -energy - (np.logaddexp.reduce(-energy) + np.log(cell))
centres = np.array([(i, j) for i in range(-2, 3) for j in range(-2, 3)], float)
d2 = ((points[:, None, :] - centres[None]) ** 2).sum(-1)
log_p = np.logaddexp.reduce(-d2 / (2 * STD * STD), axis=1) - np.log(2 * np.pi * STD * STD * 25)
p, q = np.exp(log_p), np.exp(log_q)
kl = (p * (log_p - log_q)).sum() * cell
well = d2.argmin(1)
mass_p = np.array([p[well == k].sum() * cell for k in range(25)])
mass_q = np.array([q[well == k].sum() * cell for k in range(25)])
kl_mass = (mass_p * np.log(mass_p / mass_q)).sum()
ratios, shape_kl = [], []
for k in range(25):
    m = well == k
    pk, qk = p[m] / mass_p[k], q[m] / mass_q[k]
    shape_kl.append((pk * (np.log(np.maximum(pk, 1e-300)) - np.log(qk))).sum() * cell)
    w = q[m] / q[m].sum()
    d = points[m] - centres[k]
    d = d - (w[:, None] * d).sum(0)
    cov = (w[:, None, None] * d[:, :, None] * d[:, None, :]).sum(0)
    ratios.append(np.linalg.eigvalsh(cov) / STD ** 2)
ratios = np.array(ratios)
print(f"KL(data || model) {kl:.4f} nats: wells' masses {kl_mass:.4f}, wells' shapes {kl - kl_mass:.4f} "
      f"(per well {min(shape_kl):.3f} to {max(shape_kl):.3f})")
print(f"variance ratio model/data over the wells: mean {ratios.mean():.3f}, narrow axis {ratios[:, 0].mean():.3f}, "
      f"wide axis {ratios[:, 1].mean():.3f}, std of its log {np.log(ratios).std():.3f}")
