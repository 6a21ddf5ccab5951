package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/gibbsml/gibbs/attention"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// runAttend is 'gibbs attend': a trained transformer answers one input and
// draws where its heads look.
func runAttend(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("attend", flag.ContinueOnError)
	runPath := fs.String("run", "", "run folder of a trained transformer (required)")
	input := fs.String("input", "", `the input: tokens like "3 1 4 1 5", a sum like 123+456, or text (required)`)
	n := fs.Int("n", 200, "text: characters to write after the input")
	seed := fs.Uint64("seed", 1, "text: random seed of the sampling")
	outFile := fs.String("o", "", "PNG of the attention maps to write (default RUN/attend.png)")
	if err := parseFlags(fs, args, out, `gibbs attend --run DIR --input "3 1 4 ..." [-o FILE]`); err != nil {
		return err
	}
	if *runPath == "" || *input == "" {
		return usagef("--run and --input are required")
	}
	m, err := train.Open(*runPath)
	if err != nil {
		return err
	}
	tr, ok := m.(*attention.Transformer)
	if !ok {
		return usagef("%s holds a run of kind %s, not a transformer", *runPath, m.Kind())
	}
	seq, err := tr.Config.ParseInput(*input)
	if err != nil {
		return usagef("--input: %v", err)
	}
	if tr.Config.Task == "text" {
		text, err := tr.Generate(*input, *n, 0.8, tensor.NewRNG(*seed))
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s%s\n", *input, text)
	} else {
		fmt.Fprintf(out, "%s -> %s\n", *input, tr.Config.FormatOutput(tr.Predict([][]int{seq})[0]))
	}
	path := *outFile
	if path == "" {
		path = filepath.Join(*runPath, "attend.png")
	}
	if err := viz.SavePNG(path, tr.AttentionPicture(seq)); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote the attention maps to %s\n", path)
	return nil
}
