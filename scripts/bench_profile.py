#!/usr/bin/python3
"""Where a bench workload's step spends its time, by kind of work.

For each named Go benchmark of package bench (BenchmarkConvAE, ...), runs it
with a CPU profile and sums the profile's flat samples into groups: matrix
products (GEMM micro-kernels, packing, drivers), im2col/col2im (the window
copies of convolutions), element-wise maps and reductions, Adam, the Go
runtime (scheduling, spinning workers, garbage collection, memory clears
and copies) and the rest.

    /usr/bin/python3 scripts/bench_profile.py ConvAE DCGAN [--benchtime 3s]
"""

import argparse
import os
import re
import subprocess
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

GROUPS = [
    ("Adam", r"(?i)adam"),
    ("GEMM", r"sgemm|sdot|packT16|packPanel|packRows|gemm|addTile|kernelAVX|directPart|packedPart"),
    ("im2col/col2im", r"walkImage|walkBlocks|walkStrips|walkPhases|gather2|scatterAdd2|blockCopy|blockAdd|clearOutside|"
                      r"validRange|copyRow|addRow|keepVV|addKeepVV|phaseSplit|phaseMerge|kernel\.Conv\."),
    ("element-wise maps and reductions", r"AVX512|AVX2|sumAVX|carry|map1|map2|Fold|sum64|rowMax|"
                                         r"kernel\.Sum|fill|reduce|Map|normApply"),
    ("Go runtime", r"^runtime\.|^sync\.|^internal/runtime"),
]
LINE = re.compile(r"\s*[\d.]+m?s\s+([\d.]+)%\s+[\d.]+%\s+[\d.]+m?s\s+[\d.]+%\s+(.*)")


def groups(binary, profile):
    out = subprocess.run(["go", "tool", "pprof", "-top", "-nodecount=100000", binary, profile],
                         stdout=subprocess.PIPE, text=True, check=True).stdout
    tot = {name: 0.0 for name, _ in GROUPS}
    tot["other"] = 0.0
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        pct, fn = float(m.group(1)), m.group(2)
        for name, rx in GROUPS:
            if re.search(rx, fn):
                tot[name] += pct
                break
        else:
            tot["other"] += pct
    return tot


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bench", nargs="+", help="benchmark names without the Benchmark prefix")
    ap.add_argument("--benchtime", default="3s")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="gibbs-profile-")
    binary = os.path.join(tmp, "bench.test")
    subprocess.run(["go", "test", "-c", "-o", binary, "./bench"], cwd=REPO, check=True)
    for b in args.bench:
        prof = os.path.join(tmp, b + ".prof")
        subprocess.run([binary, "-test.run", "XXX", "-test.bench", "^Benchmark%s$" % b,
                        "-test.benchtime", args.benchtime, "-test.cpuprofile", prof],
                       stdout=subprocess.DEVNULL, check=True)
        tot = groups(binary, prof)
        print("%s: %s" % (b, ", ".join("%s %.0f%%" % kv for kv in
                                       sorted(tot.items(), key=lambda kv: -kv[1]) if kv[1] >= 1)))


if __name__ == "__main__":
    main()
