#!/usr/bin/python3
"""Moves tensors between PyTorch and gibbs through safetensors files.

The safetensors layout (an 8-byte little-endian header length, a JSON
header, then the data buffer) is read and written here with json and struct,
so the script needs torch but not the safetensors package.

Usage (with an interpreter that has torch, such as /usr/bin/python3):

    safetensors_interop.py check FILE
        Reads FILE, written by gibbs (see TestPyTorchInterop in
        checkpoint/interop_test.go), checks its layout and every value
        against the fixture the Go test writes, and loads the linear layer it
        holds into torch.nn.Linear.

    safetensors_interop.py write FILE EXPECTED_JSON
        Writes FILE from torch tensors (an nn.Linear state dict plus tensors
        stored as F16, BF16, F64, I64 and BOOL) and EXPECTED_JSON, which
        lists for each tensor its shape and the float32 bit patterns that
        torch's conversion to float32 gives and gibbs must read.

The whole round trip, both modes against gibbs, runs with

    GIBBS_PYTHON=/usr/bin/python3 go test ./checkpoint -run PyTorchInterop -v

The committed fixture was made with

    /usr/bin/python3 scripts/safetensors_interop.py write \\
        checkpoint/testdata/torch.safetensors checkpoint/testdata/torch.json
"""

import json
import math
import struct
import sys

import torch

# Header dtype name -> (torch dtype, integer dtype of the same width used to
# move the raw bytes, numpy byte-order code of that integer dtype).
DTYPES = {
    "F32": (torch.float32, torch.int32, "<i4"),
    "F64": (torch.float64, torch.int64, "<i8"),
    "F16": (torch.float16, torch.int16, "<i2"),
    "BF16": (torch.bfloat16, torch.int16, "<i2"),
    "I64": (torch.int64, torch.int64, "<i8"),
    "I32": (torch.int32, torch.int32, "<i4"),
    "U8": (torch.uint8, torch.uint8, "u1"),
    "BOOL": (torch.bool, torch.uint8, "u1"),
}
NAME_OF = {torch_dtype: name for name, (torch_dtype, _, _) in DTYPES.items()}


def fail(msg):
    raise SystemExit("safetensors_interop: " + msg)


def unique_object(pairs):
    """json object hook that rejects duplicate keys."""
    out = {}
    for k, v in pairs:
        if k in out:
            fail("duplicate key %r in header" % k)
        out[k] = v
    return out


def read_safetensors(path):
    """Returns (tensors, metadata, header_len, order): order lists the
    tensor names in the order their data lies in the buffer."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        fail("%s: %d bytes is too short" % (path, len(raw)))
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        fail("%s: header length %d exceeds the file" % (path, n))
    header = json.loads(raw[8:8 + n].decode("utf-8"), object_pairs_hook=unique_object)
    buf = raw[8 + n:]
    metadata = header.pop("__metadata__", {})
    for k, v in metadata.items():
        if not isinstance(v, str):
            fail("metadata %r is not a string" % k)
    tensors = {}
    spans = []
    for name, info in header.items():
        if set(info) != {"dtype", "shape", "data_offsets"}:
            fail("tensor %r: fields %s" % (name, sorted(info)))
        torch_dtype, int_dtype, _ = DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        shape = info["shape"]
        count = math.prod(shape)
        if end - begin != count * torch.empty((), dtype=torch_dtype).element_size():
            fail("tensor %r: shape %s does not match offsets %s" % (name, shape, [begin, end]))
        if count == 0:
            t = torch.empty(shape, dtype=torch_dtype)
        else:
            t = torch.frombuffer(bytearray(buf[begin:end]), dtype=int_dtype)
            t = t.view(torch_dtype).reshape(shape)
        tensors[name] = t
        spans.append((begin, end, name))
    spans.sort()
    pos = 0
    for begin, end, name in spans:
        if begin != pos:
            fail("tensor %r begins at %d, previous data ends at %d" % (name, begin, pos))
        pos = end
    if pos != len(buf):
        fail("tensors cover %d of %d buffer bytes" % (pos, len(buf)))
    return tensors, metadata, n, [name for _, _, name in spans]


def write_safetensors(path, tensors, metadata, order):
    """Writes tensors, their data in the given order of names."""
    header = {"__metadata__": metadata}
    chunks = []
    pos = 0
    for name in order:
        t = tensors[name].contiguous()
        _, int_dtype, np_code = DTYPES[NAME_OF[t.dtype]]
        flat = t.reshape(-1)
        flat = flat.to(torch.uint8) if t.dtype == torch.bool else flat.view(int_dtype)
        data = flat.numpy().astype(np_code).tobytes()
        header[name] = {
            "dtype": NAME_OF[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [pos, pos + len(data)],
        }
        chunks.append(data)
        pos += len(data)
    text = json.dumps(header, ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in chunks:
            f.write(data)


def f32_bits(t):
    """The bit patterns of t converted to float32, as unsigned ints."""
    return [b & 0xFFFFFFFF for b in t.to(torch.float32).reshape(-1).view(torch.int32).tolist()]


def is_nan(bits):
    """Whether float32 bit pattern bits is a NaN (any payload)."""
    return bits & 0x7F800000 == 0x7F800000 and bits & 0x7FFFFF != 0


def gibbs_fixture():
    """The tensors and metadata that gibbs's interop test writes."""
    nan = float("nan")
    inf = float("inf")
    tensors = {
        "linear.weight": ((torch.arange(12, dtype=torch.float32) - 5) / 8).reshape(3, 4),
        "linear.bias": torch.tensor([0.1, -0.2, 0.3], dtype=torch.float32),
        "scalar": torch.tensor(math.pi, dtype=torch.float32),
        "empty": torch.empty(0, 3, dtype=torch.float32),
        "special": torch.tensor([inf, -inf, -0.0, 2.0 ** -149, nan], dtype=torch.float32),
    }
    metadata = {"step": "42", "note": 'h\u00e9llo <&> "q"'}
    return tensors, metadata


def check(path):
    tensors, metadata, header_len, order = read_safetensors(path)
    want, want_meta = gibbs_fixture()
    if header_len % 8 != 0:
        fail("header length %d is not a multiple of 8" % header_len)
    if order != sorted(want):
        fail("data order %s, want sorted names %s" % (order, sorted(want)))
    if metadata != want_meta:
        fail("metadata %r, want %r" % (metadata, want_meta))
    if set(tensors) != set(want):
        fail("tensors %s, want %s" % (sorted(tensors), sorted(want)))
    for name in sorted(want):
        got, exp = tensors[name], want[name]
        if got.dtype != torch.float32 or got.shape != exp.shape:
            fail("%s: %s %s, want float32 %s" % (name, got.dtype, list(got.shape), list(exp.shape)))
        for g, e in zip(f32_bits(got), f32_bits(exp)):
            if g != e and not (is_nan(g) and is_nan(e)):
                fail("%s: bits %#010x, want %#010x" % (name, g, e))
        print("%-14s %-8s %s" % (name, list(got.shape), got.reshape(-1).tolist()))
    print("metadata      ", metadata)

    lin = torch.nn.Linear(4, 3)
    lin.load_state_dict({"weight": tensors["linear.weight"], "bias": tensors["linear.bias"]})
    x = torch.arange(4, dtype=torch.float32)
    y = lin(x)
    ref = x.double() @ want["linear.weight"].double().T + want["linear.bias"].double()
    if not torch.allclose(y.double(), ref, atol=1e-6):
        fail("nn.Linear output %s, want %s" % (y.tolist(), ref.tolist()))
    print("nn.Linear(4, 3) loaded from the file, output on [0, 1, 2, 3]:", y.tolist())
    print("OK: %s matches the gibbs fixture bit for bit" % path)


def write(path, expected_path):
    torch.manual_seed(0)
    lin = torch.nn.Linear(4, 3)
    tensors = {"linear." + k: v.detach() for k, v in lin.state_dict().items()}
    nan = float("nan")
    inf = float("inf")
    tensors["half"] = torch.tensor(
        [0.0, -0.0, 1.0, -2.5, 65504.0, 2.0 ** -24, 2.0 ** -14, 6.0e-5, inf, -inf, nan, 0.1],
        dtype=torch.float16).reshape(2, 6)
    tensors["bf16"] = torch.tensor([1.5, -3.0e38, 1e-40, 0.1], dtype=torch.bfloat16)
    tensors["double"] = torch.tensor(
        [1 / 3, -1e-40, 1e300, math.pi, -0.0, 16777217.0], dtype=torch.float64).reshape(2, 3)
    tensors["count"] = torch.tensor(7, dtype=torch.int64)
    tensors["mask"] = torch.tensor([True, False, True])
    metadata = {"format": "pt", "step": "7"}
    # Data in reverse name order, so that a reader relying on name order fails.
    write_safetensors(path, tensors, metadata, sorted(tensors, reverse=True))

    back, back_meta, _, _ = read_safetensors(path)
    if back_meta != metadata or any(
            f32_bits(back[k]) != f32_bits(v) for k, v in tensors.items()):
        fail("%s does not read back as written" % path)
    expected = {
        "metadata": metadata,
        "tensors": {
            name: {"dtype": NAME_OF[t.dtype], "shape": list(t.shape), "f32_bits": f32_bits(t)}
            for name, t in sorted(tensors.items())
        },
    }
    with open(expected_path, "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    for name, t in sorted(tensors.items()):
        print("%-14s %-5s %-8s %s" % (name, NAME_OF[t.dtype], list(t.shape),
                                      t.to(torch.float32).reshape(-1).tolist()))
    print("wrote %s and %s" % (path, expected_path))


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        check(argv[2])
    elif len(argv) == 4 and argv[1] == "write":
        write(argv[2], argv[3])
    else:
        fail("usage: safetensors_interop.py check FILE | write FILE EXPECTED_JSON")


if __name__ == "__main__":
    main(sys.argv)
