#!/usr/bin/python3
"""Time two commits of gibbs against each other in one process.

On a shared machine the speed drifts by tens of percent from one second
to the next, so two test binaries run one after the other differ by more
than most changes do. This script builds one test binary that holds both
commits (the baseline's module renamed `gibbsbase`), sets up each
workload of package bench once per commit, and then alternates blocks of
about 0.1 s of steps between the two for --seconds per workload, each
block starting with one untimed step. Each commit keeps its own pool of
kernel workers. It prints, per workload, the mean step time of each
commit and the median (and quartiles) of the blocks' time ratios, commit
over baseline: below 1, the commit is faster.

    /usr/bin/python3 scripts/bench_interleaved.py --baseline REV \\
        [--commit HEAD] [--only gan,mlp_ae] [--seconds 30] [--threads 2]

Both sides train on the same random data (bench.RandomData), not on
Fashion-MNIST. sgemm is left to bench_compare.py.
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "github.com/gibbsml/gibbs"
WORKLOADS = ["mlp_ae", "vae", "gan", "transformer", "convnet", "ebm2d",
             "dcgan", "conv_ae", "transformer_reverse", "ebm_image"]

TEST = '''package interleaved

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	basebench "gibbsbase/bench"

	newbench "github.com/gibbsml/gibbs/bench"
)

func TestInterleaved(t *testing.T) {
	var secs float64
	fmt.Sscan(os.Getenv("INTERLEAVED_SECONDS"), &secs)
	for _, name := range strings.Split(os.Getenv("INTERLEAVED_WORKLOADS"), ",") {
		bw, err := basebench.Select([]string{name})
		if err != nil {
			t.Fatalf("baseline: %v", err)
		}
		nw, err := newbench.Select([]string{name})
		if err != nil {
			t.Fatalf("commit: %v", err)
		}
		steps := []func() float32{
			bw[0].Setup(basebench.RandomData(4096, 1)).Step,
			nw[0].Setup(newbench.RandomData(4096, 1)).Step,
		}
		// Warm up both and size the blocks at about 0.1 s of the
		// baseline's steps.
		var k int
		for i, step := range steps {
			n, start := 0, time.Now()
			for time.Since(start) < 300*time.Millisecond {
				step()
				n++
			}
			if i == 0 {
				k = max(1, int(float64(n)*0.1/time.Since(start).Seconds()))
			}
		}
		var ratios []float64
		var total [2]float64
		end := time.Now().Add(time.Duration(secs * float64(time.Second)))
		for b := 0; time.Now().Before(end); b++ {
			var ms [2]float64
			for j := range 2 {
				i := (j + b) % 2
				steps[i]()
				start := time.Now()
				for range k {
					steps[i]()
				}
				ms[i] = float64(time.Since(start).Microseconds()) / 1000 / float64(k)
				total[i] += ms[i]
			}
			ratios = append(ratios, ms[1]/ms[0])
		}
		sort.Float64s(ratios)
		n := len(ratios)
		fmt.Printf("RESULT %s %d %d %.4f %.4f %.4f %.4f %.4f\\n", name, n, k,
			total[0]/float64(n), total[1]/float64(n), ratios[n/2], ratios[n/4], ratios[3*n/4])
	}
}
'''


def export(rev, dest, module=None):
    """Writes a clean copy of rev to dest, its module renamed to module."""
    dest.mkdir()
    archive = subprocess.run(["git", "-C", REPO, "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    if module is None:
        return
    for path in list(dest.rglob("*.go")) + [dest / "go.mod"]:
        text = path.read_text()
        renamed = re.sub(re.escape(MODULE) + r"\b", module, text)
        if renamed != text:
            path.write_text(renamed)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", required=True, help="the commit to compare against")
    ap.add_argument("--commit", default="HEAD", help="the commit timed against it (default HEAD)")
    ap.add_argument("--only", default=",".join(WORKLOADS), help="workloads, comma-separated")
    ap.add_argument("--seconds", type=float, default=30, help="seconds of alternation per workload")
    ap.add_argument("--threads", type=int, default=2, help="GOMAXPROCS of the run")
    args = ap.parse_args()
    names = [w for w in args.only.split(",") if w]
    for w in names:
        if w not in WORKLOADS:
            sys.exit(f"bench_interleaved: unknown workload {w!r}; choose from {','.join(WORKLOADS)}")
    if args.seconds <= 0 or args.threads < 1:
        sys.exit("bench_interleaved: --seconds must be positive and --threads at least 1")
    revs = {}
    for flag, rev in (("--baseline", args.baseline), ("--commit", args.commit)):
        r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", rev + "^{commit}"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"bench_interleaved: {flag} {rev}: not a commit of {REPO}")
        revs[flag] = r.stdout.strip()

    with tempfile.TemporaryDirectory(prefix="gibbs-interleaved-") as tmp:
        tmp = pathlib.Path(tmp)
        export(revs["--baseline"], tmp / "base", module="gibbsbase")
        export(revs["--commit"], tmp / "new")
        run = tmp / "run"
        run.mkdir()
        (run / "go.mod").write_text(
            "module interleaved\n\ngo 1.24\n\n"
            f"require (\n\t{MODULE} v0.0.0\n\tgibbsbase v0.0.0\n)\n\n"
            f"replace {MODULE} => ../new\n\nreplace gibbsbase => ../base\n")
        (run / "interleaved_test.go").write_text(TEST)
        # Both commits' checksums, so that the build needs no network.
        sums = set()
        for side in ("base", "new"):
            if (tmp / side / "go.sum").exists():
                sums |= set((tmp / side / "go.sum").read_text().splitlines())
        (run / "go.sum").write_text("".join(line + "\n" for line in sorted(sums) if line))
        env = dict(os.environ, GOFLAGS=(os.environ.get("GOFLAGS", "") + " -mod=mod").strip())
        binary = tmp / "interleaved.test"
        b = subprocess.run(["go", "test", "-c", "-o", str(binary), "."], cwd=run, env=env,
                           capture_output=True, text=True)
        if b.returncode != 0:
            sys.exit(f"bench_interleaved: building the two commits failed:\n{b.stdout}{b.stderr}")
        env = dict(os.environ, GOMAXPROCS=str(args.threads), INTERLEAVED_SECONDS=str(args.seconds),
                   INTERLEAVED_WORKLOADS=",".join(names))
        print(f"{revs['--commit']} against {revs['--baseline']}, {args.threads} threads, "
              f"{args.seconds:g} s a workload\n")
        print("| workload | blocks | steps a block | baseline ms / step | commit ms / step "
              "| commit / baseline (median of blocks) | quartiles |")
        print("|---|---:|---:|---:|---:|---:|---|")
        proc = subprocess.Popen([str(binary), "-test.run", "^TestInterleaved$", "-test.timeout", "0"],
                                env=env, stdout=subprocess.PIPE, text=True)
        out = []
        for line in proc.stdout:
            out.append(line)
            f = line.split()
            if f and f[0] == "RESULT":
                print(f"| {f[1]} | {f[2]} | {f[3]} | {float(f[4]):.3f} | {float(f[5]):.3f} "
                      f"| {float(f[6]):.3f} | {float(f[7]):.3f}-{float(f[8]):.3f} |", flush=True)
        if proc.wait() != 0:
            sys.exit("bench_interleaved: the run failed:\n" + "".join(out))


if __name__ == "__main__":
    main()
