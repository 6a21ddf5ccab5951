package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/gibbsml/gibbs/bench"
	"github.com/gibbsml/gibbs/internal/kernel"
)

// runBench is 'gibbs bench': it times the reference workloads as the
// PyTorch reference script does and prints one JSON line per result, then
// an "env" line.
func runBench(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	def := bench.DefaultConfig()
	only := fs.String("only", "", "comma-separated subset of: "+strings.Join(bench.Names(), ","))
	threads := fs.Int("threads", 0, "GOMAXPROCS and GEMM threads (0 keeps the default, one per CPU)")
	repeats := fs.Int("repeats", def.Repeats, "timed repeats per workload")
	minTime := fs.Float64("min-time", def.MinTime.Seconds(), "seconds per timed repeat")
	warmup := fs.Float64("warmup", def.Warmup.Seconds(), "warm-up seconds")
	source := fs.String("data", bench.SourceAuto, "image data: auto, fashion-mnist or random")
	if err := parseFlags(fs, args, out, "gibbs bench [--only sgemm,mlp_ae,...] [--threads N] [--repeats 7] [--min-time 0.5] [--warmup 1] [--data auto|fashion-mnist|random]"); err != nil {
		return err
	}
	switch {
	case *threads < 0:
		return usagef("--threads %d: want 0 or more", *threads)
	case *repeats < 1:
		return usagef("--repeats %d: want at least 1", *repeats)
	case !(*minTime > 0):
		return usagef("--min-time %v: want a positive number of seconds", *minTime)
	case !(*warmup >= 0):
		return usagef("--warmup %v: want 0 or more seconds", *warmup)
	}
	switch *source {
	case bench.SourceAuto, bench.SourceFashionMNIST, bench.SourceRandom:
	default:
		return usagef("--data %q: want auto, fashion-mnist or random", *source)
	}
	var names []string
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	ws, err := bench.Select(names)
	if err != nil {
		return usagef("--only: %v", err)
	}
	if *threads > 0 {
		runtime.GOMAXPROCS(*threads)
		kernel.SetThreads(*threads)
	}
	cfg := bench.Config{
		Warmup:  time.Duration(*warmup * float64(time.Second)),
		MinTime: time.Duration(*minTime * float64(time.Second)),
		Repeats: *repeats,
	}
	d, err := bench.LoadData(*source)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := bench.Run(ws, d, cfg, out); err != nil {
		return err
	}
	env := append(bench.Env(d, cfg), bench.Field{Key: "total_s", Value: time.Since(t0).Seconds()})
	line, err := json.Marshal(env)
	if err != nil {
		return fmt.Errorf("writing the env line: %w", err)
	}
	_, err = fmt.Fprintf(out, "%s\n", line)
	return err
}
