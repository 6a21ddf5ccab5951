package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// runSample is 'gibbs sample': samples of a trained run of any kind that
// can draw them, as a CSV file of numbers (one sample a row) when the
// output's name ends in .csv, as a PNG otherwise.
func runSample(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sample", flag.ContinueOnError)
	runPath := fs.String("run", "", "run folder of a trained model (required)")
	n := fs.Int("n", 1000, "number of samples")
	steps := fs.Int("steps", 200, "sampler steps: Langevin steps from uniform noise, or for a score-matching run (ebm --loss dsm or ssm) steps per noise level of annealed Langevin dynamics (0: the model's default)")
	seed := fs.Uint64("seed", 1, "random seed")
	outFile := fs.String("o", "", "file to write: FILE.csv for the samples as numbers, one a row; any other name for a PNG (default RUN/sampled.png)")
	if err := parseFlags(fs, args, out, "gibbs sample --run DIR [-n 1000] [-o FILE]"); err != nil {
		return err
	}
	if *runPath == "" {
		return usagef("--run is required")
	}
	if *n <= 0 || *steps < 0 {
		return usagef("-n must be positive and --steps not negative")
	}
	m, err := train.Open(*runPath)
	if err != nil {
		return err
	}
	sampler, canSample := m.(train.Sampler)
	if !canSample {
		return usagef("%s holds a run of kind %s, which cannot draw samples", *runPath, m.Kind())
	}
	path := *outFile
	if path == "" {
		path = filepath.Join(*runPath, "sampled.png")
	}
	asCSV := strings.EqualFold(filepath.Ext(path), ".csv")
	plotter, canPlot := m.(train.Plotter)
	if !asCSV && !canPlot {
		return usagef("%s holds a run of kind %s, which cannot draw its samples as a picture; write them with -o FILE.csv", *runPath, m.Kind())
	}
	samples := sampler.Sample(*n, *steps, tensor.NewRNG(*seed))
	if asCSV {
		err = writeCSV(path, samples)
	} else {
		err = viz.SavePNG(path, plotter.Plot(samples))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d samples to %s\n", *n, path)
	return nil
}

// writeCSV writes the rows of t ([N, ...], each row flattened) to path as
// comma-separated numbers, atomically.
func writeCSV(path string, t *tensor.Tensor) error {
	n := t.Size(0)
	row := t.Len() / max(n, 1)
	err := atomicfile.Write(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		d := t.Data()
		for i := range n {
			for j, v := range d[i*row : (i+1)*row] {
				if j > 0 {
					bw.WriteByte(',')
				}
				bw.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
			}
			bw.WriteByte('\n')
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("writing samples: %w", err)
	}
	return nil
}
