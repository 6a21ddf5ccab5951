#!/usr/bin/python3
"""Run `gibbs bench` and the PyTorch reference script side by side.

Both run in this one session on this machine, one workload at a time and
interleaved (gibbs, then PyTorch on 2 threads, then on 1), so that drift of
the machine hits both sides alike. PyTorch runs tuned as the reference
notes say: the OpenMP build of OpenBLAS, OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE unset, and glibc malloc told to keep its memory; its
better thread count is taken per workload. Then mlp_ae runs once more on
each side on random data to compare peak resident memory (VmHWM).

Prints a Markdown table: workload, gibbs, PyTorch best (and its thread
count), ratio gibbs / PyTorch (above 1: gibbs is faster), gibbs's heap
allocations and bytes per step (after timing), and the peak resident
memory of each side's process for the workload (PyTorch: the larger of
its two thread settings; both load the data set).

    /usr/bin/python3 scripts/bench_compare.py --torch-ref PATH/torch_ref.py \\
        [--only mlp_ae,vae] [--repeats 7] [--min-time 0.5] [--warmup 1] \\
        [--commit HEAD] [--baseline REV] [--raw results.jsonl]

With --baseline, gibbs at that commit runs too, right after gibbs at
--commit for each workload, and the table adds its figures and the ratios
of the two commits: a change's speed measured in the same run as PyTorch.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from atomic_write import write_text

WORKLOADS = ["sgemm", "mlp_ae", "vae", "gan", "transformer", "convnet", "ebm2d",
             "dcgan", "conv_ae", "transformer_reverse", "ebm_image"]
# Columns of allocations per step and peak memory per workload.
MEM_HEAD = " gibbs allocs / step | gibbs KiB / step | gibbs peak MiB | PyTorch peak MiB |"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# torch_ref.py names the transformer twice; gibbs's "transformer" is
# nn.TransformerEncoderLayer, compared with "transformer_nn".
TORCH_NAMES = {"transformer": ["transformer_nn", "transformer_manual"]}

# Peak resident memory of a Python process, printed when it exits.
PEAK_WRAPPER = """
import atexit, json, runpy, sys
def peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            kib = int(line.split()[1])
            print(json.dumps({"bench": "peak_rss", "peak_rss_mib": kib / 1024}), flush=True)
atexit.register(peak)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def torch_env(threads):
    env = dict(os.environ)
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        env.pop(k, None)
    env.update({
        "OPENBLAS_NUM_THREADS": str(threads),
        "MALLOC_MMAP_THRESHOLD_": "33554432",
        "MALLOC_TRIM_THRESHOLD_": "1073741824",
        "LD_LIBRARY_PATH": "/usr/lib/x86_64-linux-gnu/openblas-openmp",
    })
    return env


def run_lines(cmd, env=None, optional=False):
    """Run cmd and return its stdout parsed as JSON lines; if it fails, exit,
    or with optional return no lines."""
    shown = ["<VmHWM wrapper>" if c == PEAK_WRAPPER else c for c in cmd]
    print("+ " + " ".join(shown), file=sys.stderr, flush=True)
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if p.returncode != 0:
        if optional:
            return []
        sys.exit("bench_compare: %s exited with status %d" % (cmd[0], p.returncode))
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]


def build(rev):
    """Export commit rev of the repository, build gibbs from it and return the
    full commit hash and the binary's path."""
    commit = subprocess.run(["git", "rev-parse", "--verify", rev + "^{commit}"], cwd=REPO,
                            stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    tmp = tempfile.mkdtemp(prefix="gibbs-bench-")
    src = os.path.join(tmp, "src")
    os.mkdir(src)
    archive = subprocess.run(["git", "archive", commit], cwd=REPO, stdout=subprocess.PIPE,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
    gibbs = os.path.join(tmp, "gibbs")
    subprocess.run(["go", "build", "-o", gibbs, "./cmd/gibbs"], cwd=src, check=True)
    return commit, gibbs, src


def fma_peak(src):
    """The machine's float32 FMA peak on 2 threads in GFLOP/s, measured by
    the kernel package's FMAPeak benchmark (the best of its instruction
    sets and of three runs)."""
    cmd = ["go", "test", "./internal/kernel", "-run", "XXX", "-bench", "FMAPeak/.*/threads=2$",
           "-benchtime", "300x", "-count", "3"]
    print("+ " + " ".join(cmd), file=sys.stderr, flush=True)
    out = subprocess.run(cmd, cwd=src, stdout=subprocess.PIPE, text=True, check=True).stdout
    best = 0.0
    for line in out.splitlines():
        fields = line.split()
        if "GFLOP/s" in fields:
            best = max(best, float(fields[fields.index("GFLOP/s") - 1]))
    if best == 0:
        sys.exit("bench_compare: no FMA peak figure in:\n" + out)
    return best


def loadavg():
    """The 1, 5 and 15 minute load averages, as /proc/loadavg gives them."""
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def key(rec):
    return rec["bench"] + (" n=%d" % rec["n"] if "n" in rec else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--torch-ref", default=os.environ.get("TORCH_REF", ""),
                    help="path to torch_ref.py (default: $TORCH_REF)")
    ap.add_argument("--only", default="", help="comma-separated subset of: " + ",".join(WORKLOADS))
    ap.add_argument("--repeats", default="7")
    ap.add_argument("--min-time", default="0.5")
    ap.add_argument("--warmup", default="1")
    ap.add_argument("--data", default="auto", choices=["auto", "fashion-mnist", "random"])
    ap.add_argument("--gibbs-threads", default="2")
    ap.add_argument("--commit", default="HEAD",
                    help="commit of gibbs to measure, built from a clean export (default HEAD)")
    ap.add_argument("--baseline", default="",
                    help="another commit of gibbs to time in the same run, interleaved (e.g. before a change)")
    ap.add_argument("--raw", default="", help="also write every JSON line, tagged by side, here")
    args = ap.parse_args()
    if not os.path.isfile(args.torch_ref):
        sys.exit("bench_compare: pass --torch-ref PATH to torch_ref.py (not found: %r)" % args.torch_ref)
    names = [n for n in args.only.split(",") if n] or WORKLOADS
    for n in names:
        if n not in WORKLOADS:
            sys.exit("bench_compare: unknown bench %r; choose from %s" % (n, ",".join(WORKLOADS)))

    commit, gibbs, src = build(args.commit)
    base_commit, base_gibbs = (build(args.baseline)[:2] if args.baseline else ("", ""))
    load_before = loadavg()
    timing = ["--repeats", args.repeats, "--min-time", args.min_time, "--warmup", args.warmup]
    raw = []

    def gibbs_run(only, data, timing, binary=gibbs, side="gibbs"):
        # A baseline may predate a workload: it then has no figure.
        recs = run_lines([binary, "bench", "--only", only, "--threads", args.gibbs_threads,
                          "--data", data] + timing, optional=side == "baseline")
        raw.extend(dict(r, side=side) for r in recs)
        return recs

    def torch_run(only, threads, data, timing, wrap=False):
        cmd = ["/usr/bin/python3", args.torch_ref, "--only", only, "--threads", str(threads),
               "--data", data] + timing
        if wrap:
            cmd[1:1] = ["-c", PEAK_WRAPPER]
        recs = run_lines(cmd, torch_env(threads))
        raw.extend(dict(r, side="torch", threads=threads) for r in recs)
        return recs

    gres, bres, tres = {}, {}, {}  # key -> record; tres key -> {threads: record}
    gpeak, tpeak = {}, {}  # workload -> peak resident MiB of its process (PyTorch: the larger)
    for n in names:
        for r in gibbs_run(n, args.data, timing):
            gres[key(r)] = r
            if r["bench"] == "env":
                gpeak[n] = r["peak_rss_mib"]
        if base_gibbs:
            for r in gibbs_run(n, args.data, timing, base_gibbs, "baseline"):
                bres[key(r)] = r
        for threads in (2, 1):
            for r in torch_run(n, threads, args.data, timing, wrap=True):
                if r["bench"] == "peak_rss":
                    tpeak[n] = max(tpeak.get(n, 0), r["peak_rss_mib"])
                else:
                    tres.setdefault(key(r), {})[threads] = r

    # Peak memory of mlp_ae, both sides on random data (no loader in the figure).
    short = ["--repeats", "3", "--min-time", "0.2", "--warmup", "0.5"]
    gmem = [r for r in gibbs_run("mlp_ae", "random", short)
            if r["bench"] == "env"][0]["peak_rss_mib"]
    tmem = [r for r in torch_run("mlp_ae", 2, "random", short, wrap=True)
            if r["bench"] == "peak_rss"][0]["peak_rss_mib"]

    peak = fma_peak(src) if any(k.startswith("sgemm") for k in gres) else 0
    if peak:
        raw.append({"bench": "fma_peak", "value": peak, "unit": "GFLOP/s", "side": "machine"})

    rows = []
    for k, g in gres.items():
        if g["bench"] == "env":
            continue
        for tk in TORCH_NAMES.get(g["bench"], [g["bench"]]):
            tk = tk + k[len(g["bench"]):]
            if tk not in tres:
                continue
            t, threads = max((r["value"], th) for th, r in tres[tk].items())
            rows.append((k if tk == k else "%s (vs %s)" % (k, tk), g, t, threads))

    def mem_cells(g):
        return " %.0f | %.0f | %.0f | %.0f |" % (
            g.get("allocs_per_call", float("nan")), g.get("bytes_per_call", float("nan")) / 1024,
            gpeak.get(g["bench"], float("nan")), tpeak.get(g["bench"], float("nan")))

    print("gibbs commit %s; load average before %s, after %s (other processes on the"
          " machine distort both sides)" % (commit, load_before, loadavg()))
    print()
    if base_gibbs:
        print("baseline: gibbs commit %s, timed right after the one above for each workload"
              % base_commit)
        print()
        print("| workload | unit | gibbs | baseline | PyTorch best | PyTorch threads |"
              " gibbs / PyTorch | baseline / PyTorch | gibbs / baseline |" + MEM_HEAD)
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * 4)
        for name, g, t, threads in rows:
            b = bres.get(key(g), {}).get("value", float("nan"))
            print("| %s | %s | %.4g | %.4g | %.4g | %d | %.2f | %.2f | %.2f |"
                  % (name, g["unit"], g["value"], b, t, threads, g["value"] / t, b / t,
                     g["value"] / b) + mem_cells(g))
    else:
        print("| workload | unit | gibbs | PyTorch best | PyTorch threads | gibbs / PyTorch |"
              + MEM_HEAD)
        print("|---|---|---:|---:|---:|---:|" + "---:|" * 4)
        for name, g, t, threads in rows:
            print("| %s | %s | %.4g | %.4g | %d | %.2f |" % (name, g["unit"], g["value"], t,
                                                           threads, g["value"] / t) + mem_cells(g))
    print()
    for name, g, _, _ in rows:
        if g["bench"] == "sgemm":
            print("gibbs %s: %.1f GFLOP/s = %.0f%% of the %.0f GFLOP/s FMA peak measured here"
                  % (name, g["value"], 100 * g["value"] / peak, peak))
    print("peak RSS, mlp_ae on random data, 2 threads: gibbs %.0f MiB, PyTorch %.0f MiB"
          % (gmem, tmem))
    if args.raw:
        write_text(args.raw, "".join(json.dumps(r) + "\n" for r in raw))


if __name__ == "__main__":
    main()
