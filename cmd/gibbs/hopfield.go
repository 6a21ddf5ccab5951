package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/attention"
)

// runHopfield is 'gibbs hopfield': the capacity experiment of a modern
// Hopfield network (attention as an energy). It is a command of its own,
// not a 'gibbs train' kind: storing patterns involves no training, so
// there is no loop, checkpoint or resume, only a measurement and its
// pictures.
func runHopfield(_ context.Context, args []string, out io.Writer) error {
	c := attention.DefaultCapacityConfig()
	fs := flag.NewFlagSet("hopfield", flag.ContinueOnError)
	fs.StringVar(&c.Patterns, "patterns", c.Patterns, "stored patterns: binary (random ±1 vectors) or mnist (training digits, pixels mapped to [-1, 1])")
	fs.IntVar(&c.Dim, "dim", c.Dim, "size of binary patterns")
	betas := fs.String("betas", "", "inverse temperatures, comma-separated (default 0.1,0.15,0.2,0.25,0.3 for binary, 0.05,0.1,0.2,0.5,1 for mnist)")
	counts := fs.String("counts", "", "numbers of stored patterns, comma-separated (default powers of 2 from 2 to 16384)")
	fs.IntVar(&c.Queries, "queries", c.Queries, "half-masked queries per point")
	fs.IntVar(&c.Steps, "steps", c.Steps, "updates per query")
	fs.Float64Var(&c.Tolerance, "tolerance", c.Tolerance, "largest relative distance to the pattern that counts as retrieved")
	fs.Uint64Var(&c.Seed, "seed", c.Seed, "random seed (binary patterns, queries)")
	outDir := fs.String("out", "runs/hopfield", "folder for capacity.json, capacity.png and energy.png")
	if err := parseFlags(fs, args, out, "gibbs hopfield [--patterns binary|mnist] [flags]"); err != nil {
		return err
	}
	if c.Patterns == "mnist" {
		c.Betas = []float64{0.05, 0.1, 0.2, 0.5, 1}
	}
	var err error
	if *betas != "" {
		if c.Betas, err = parseList(*betas, func(s string) (float64, error) { return strconv.ParseFloat(s, 64) }); err != nil {
			return usagef("--betas: %v", err)
		}
	}
	if *counts != "" {
		if c.Counts, err = parseList(*counts, strconv.Atoi); err != nil {
			return usagef("--counts: %v", err)
		}
	}
	if err := c.Validate(); err != nil {
		return usagef("%v", err)
	}
	res, err := attention.MeasureCapacity(c)
	if err != nil {
		return err
	}
	if err := res.Save(*outDir, c); err != nil {
		return err
	}
	fmt.Fprintf(out, "retrieval accuracy from half-masked queries (%s patterns):\n%-8s", c.Patterns, "patterns")
	for _, b := range c.Betas {
		fmt.Fprintf(out, "  beta %-6g", b)
	}
	for i, n := range c.Counts {
		fmt.Fprintf(out, "\n%-8d", n)
		for j := range c.Betas {
			fmt.Fprintf(out, "  %-11.3f", res.Points[j*len(c.Counts)+i].Accuracy)
		}
	}
	fmt.Fprintf(out, "\nwrote capacity.json, capacity.png and energy.png in %s\n", *outDir)
	return nil
}

// parseList parses a comma-separated list.
func parseList[T any](s string, parse func(string) (T, error)) ([]T, error) {
	var vs []T
	for _, f := range strings.Split(s, ",") {
		v, err := parse(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("bad list %q", s)
		}
		vs = append(vs, v)
	}
	return vs, nil
}
