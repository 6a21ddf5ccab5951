"""The recipe of `gibbs train transformer --task text` in PyTorch, for comparison.

A character-level language model as package attention trains it
(attention.TextConfig and attention.Train):

- corpus: a text file read as Unicode code points, by default the Go
  specification $(go env GOROOT)/doc/go_spec.html; the alphabet is the
  file's distinct characters sorted by code point, token i the i-th of them;
  the first floor(9n/10) characters train, the rest are held out. The split
  is a fixed rule on the text, so both programs hold out the same characters
  without sharing a random number generator;
- training batches: 32 windows of 65 characters starting uniformly at
  random in the training part (input: the first 64, target: the last 64);
- held-out set: the first 200 consecutive, non-overlapping 64-character
  windows of the held-out part (12,800 predicted characters);
- model: token embedding (N(0, 1)) plus the fixed sinusoidal encoding
  PE[pos, 2k] = sin(pos / 10000^(2k/d)), PE[pos, 2k+1] = cos(same), no
  scaling; 2 pre-norm nn.TransformerEncoderLayer (d_model 64, 4 heads,
  feed-forward 256, ReLU, no dropout), each with its own initialisation,
  under a causal mask; a final LayerNorm; a Linear read-out to the alphabet;
- loss: cross-entropy per predicted character, averaged over the batch;
- optimizer: Adam (betas 0.9, 0.999, eps 1e-8, no weight decay, no
  gradient clipping); the learning rate of step t (t = 0, 1, ...) is
  2e-3 * (0.01 + 0.99 t/100) for t < 100, then the cosine
  1e-3 * (1 + cos(pi (t-100)/1400)) down to 0 at step 1500;
- evaluation every 250 steps: cross-entropy on the held-out set, printed in
  nats (test_loss) and in bits per character (test_bpc = test_loss / ln 2),
  with the share of characters whose argmax is right (token_accuracy).

Only the random numbers differ: the initial weights and the windows drawn
come from PyTorch's generator seeded with --seed.

    /usr/bin/python3 scripts/charlm_torch.py [--seed 1] [--text FILE] [--run DIR]

With --run DIR (a finished or started `gibbs train transformer --task text`
run folder) the script takes the recipe (text, sizes, steps, batch, learning
rate, warm-up, evaluation) from DIR/config.json and stops if gibbs's
alphabet differs from the one it builds. It prints one JSON line per
evaluation, as gibbs's metrics.jsonl holds them.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time

import torch
from torch import nn
from torch.nn import functional as F

# attention.TextConfig, in config.json's names.
TEXT_CONFIG = {
    "text": "", "length": 64, "d_model": 64, "heads": 4, "layers": 2, "ff": 256, "norm_first": True,
    "steps": 1500, "batch": 32, "lr": 2e-3, "warmup": 100, "eval_every": 250, "test_size": 200,
}


def default_text():
    root = os.environ.get("GOROOT") or subprocess.run(
        ["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(root, "doc", "go_spec.html")


def read_corpus(path):
    """Returns the training tokens, held-out tokens and the alphabet, as
    attention's readCorpus builds them."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")  # bytes, so no newline translation
    alphabet = "".join(sorted(set(text)))
    index = {c: i for i, c in enumerate(alphabet)}
    tokens = torch.tensor([index[c] for c in text], dtype=torch.long)
    cut = len(tokens) * 9 // 10
    return tokens[:cut], tokens[cut:], alphabet


def chunks(test, n, length):
    """Up to n consecutive non-overlapping windows of the held-out part."""
    src, tgt = [], []
    i = 0
    while len(src) < n and i + length + 1 <= len(test):
        src.append(test[i:i + length])
        tgt.append(test[i + 1:i + length + 1])
        i += length
    return torch.stack(src), torch.stack(tgt)


def windows(train, gen, n, length):
    """n windows starting uniformly at random in [0, len(train) - length)."""
    starts = torch.randint(0, len(train) - length, (n,), generator=gen)
    idx = starts[:, None] + torch.arange(length + 1)[None, :]
    w = train[idx]
    return w[:, :-1], w[:, 1:]


def sinusoidal(length, dim):
    """nn.SinusoidalEncoding of gibbs: sin on even columns, cos on odd, both
    of the angle pos / 10000^(i/dim) with i the even column."""
    pe = torch.zeros(length, dim, dtype=torch.float64)
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    i = torch.arange(0, dim, 2, dtype=torch.float64)[None, :]
    angle = pos / torch.pow(10000.0, i / dim)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, :dim // 2])
    return pe.float()


class CharLM(nn.Module):
    def __init__(self, vocab, cfg):
        super().__init__()
        d = cfg["d_model"]
        self.embed = nn.Embedding(vocab, d)
        # Separate layers, each initialised on its own, as gibbs's
        # TransformerEncoder does (PyTorch's would start from copies of one).
        self.layers = nn.ModuleList([
            nn.TransformerEncoderLayer(d, cfg["heads"], dim_feedforward=cfg["ff"], dropout=0.0,
                                       activation="relu", batch_first=True, norm_first=cfg["norm_first"])
            for _ in range(cfg["layers"])])
        self.norm = nn.LayerNorm(d) if cfg["norm_first"] else None
        self.out = nn.Linear(d, vocab)
        self.register_buffer("pos", sinusoidal(cfg["length"], d))

    def forward(self, ids):
        t = ids.shape[1]
        h = self.embed(ids) + self.pos[:t]
        mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        for layer in self.layers:
            h = layer(h, src_mask=mask)
        if self.norm is not None:
            h = self.norm(h)
        return self.out(h)


def learning_rate(cfg, t):
    """optim.NewWarmup(warmup, 0.01, optim.NewCosineLR(lr, 0, steps-warmup))."""
    base, warm = cfg["lr"], cfg["warmup"]
    if t < warm:
        return base * (0.01 + 0.99 * t / warm)
    return base * (1 + math.cos(math.pi * (t - warm) / max(1, cfg["steps"] - warm))) / 2


def loss_of(model, src, tgt):
    logits = model(src)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt.reshape(-1)), logits


@torch.no_grad()
def evaluate(model, src, tgt):
    model.eval()
    loss, logits = loss_of(model, src, tgt)
    model.train()
    acc = (logits.argmax(-1) == tgt).float().mean().item()
    return loss.item(), acc


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--text", default=None, help="text file (default: the Go specification)")
    p.add_argument("--run", default=None, help="gibbs run folder to take the recipe and alphabet from")
    p.add_argument("--steps", type=int, default=None, help="training steps (default: the recipe's)")
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)

    cfg = dict(TEXT_CONFIG)
    gibbs_alphabet = None
    if a.run:
        with open(os.path.join(a.run, "config.json")) as f:
            run = json.load(f)
        run = run.get("config", run)
        if run.get("task") != "text":
            sys.exit(f"{a.run}/config.json: task {run.get('task')!r}, want text")
        cfg.update({k: run[k] for k in TEXT_CONFIG if k in run})
        gibbs_alphabet = run.get("alphabet")
    if a.text is not None:
        cfg["text"] = a.text
    if a.steps is not None:
        cfg["steps"] = a.steps
    path = cfg["text"] or default_text()

    train, test, alphabet = read_corpus(path)
    if gibbs_alphabet is not None and gibbs_alphabet != alphabet:
        sys.exit(f"{path}: alphabet of {len(alphabet)} characters differs from the run's {len(gibbs_alphabet)}")
    test_src, test_tgt = chunks(test, cfg["test_size"], cfg["length"])
    print(json.dumps({"text": path, "characters": len(train) + len(test), "train": len(train),
                      "test": len(test), "alphabet": len(alphabet), "test_windows": len(test_src),
                      "alphabet_checked": gibbs_alphabet is not None, "seed": a.seed}), flush=True)

    torch.manual_seed(a.seed)
    model = CharLM(len(alphabet), cfg)
    gen = torch.Generator().manual_seed(a.seed + 1)
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8)
    start = time.time()
    for t in range(cfg["steps"]):
        for g in opt.param_groups:
            g["lr"] = learning_rate(cfg, t)
        src, tgt = windows(train, gen, cfg["batch"], cfg["length"])
        loss, _ = loss_of(model, src, tgt)
        opt.zero_grad()
        loss.backward()
        opt.step()
        done = t + 1
        if done % cfg["eval_every"] == 0 or done == cfg["steps"]:
            test_loss, acc = evaluate(model, test_src, test_tgt)
            print(json.dumps({"step": done, "loss": round(loss.item(), 6), "test_loss": round(test_loss, 6),
                              "test_bpc": round(test_loss / math.log(2), 6), "token_accuracy": round(acc, 6),
                              "seconds": round(time.time() - start, 1)}), flush=True)


if __name__ == "__main__":
    main()
