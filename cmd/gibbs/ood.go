package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/ebm/label"
	"github.com/gibbsml/gibbs/train"
	"github.com/gibbsml/gibbs/viz"
)

// runOOD is 'gibbs ood': how well a label energy tells the test samples
// of its training distribution from those of another data set, by the
// free energy over the labels and by the maximum softmax probability.
func runOOD(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("ood", flag.ContinueOnError)
	runPath := fs.String("run", "", "run folder of a model with an energy per label, such as gibbs train ebm --target label makes (required)")
	input := fs.String("input", "", "out-of-distribution samples (required): mnist or fashion-mnist (their test splits), a .csv file or idx:IMAGES")
	plot := fs.String("plot", "ood.png", "picture of the scores' histograms to write (empty: none)")
	in := fs.String("in", "", "in-distribution samples (default: the test set of a label energy's run)")
	if err := parseFlags(fs, args, out, "gibbs ood --run DIR --input DATA [--in DATA] [--plot ood.png]"); err != nil {
		return err
	}
	if *runPath == "" || *input == "" {
		return usagef("--run and --input are required")
	}
	m, err := train.Open(*runPath)
	if err != nil {
		return err
	}
	model, ok := m.(interface {
		label.Energies
		train.InputShaper
	})
	if !ok {
		return usagef("%s holds a run of kind %s, which has no energy per label", *runPath, m.Kind())
	}
	if t, ok := m.(*label.Trained); ok && *in == "" {
		*in = t.Config.TestData
		if *in == "" {
			*in = t.Config.Data
		}
	}
	if *in == "" {
		return usagef("--in is required for a run of kind %s", m.Kind())
	}
	inSet, err := data.Open(*in, data.Test)
	if err != nil {
		return err
	}
	outSet, err := data.Open(*input, data.Test)
	if err != nil {
		return err
	}
	if d := data.Features(model.InputShape()); inSet.X.Size(1) != d || outSet.X.Size(1) != d {
		return usagef("the run reads samples of %d features; %s has %d and %s %d", d, *in, inSet.X.Size(1), *input, outSet.X.Size(1))
	}
	res, err := label.OOD(model, inSet.X, outSet.X)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "in-distribution: %s (%d samples); out-of-distribution: %s (%d samples); AUROC with the outside samples as positives\n",
		*in, len(res.Inside.Energy), *input, len(res.Outside.Energy))
	fmt.Fprintf(out, "%-58s %s\n", "score", "AUROC")
	fmt.Fprintf(out, "%-58s %.4f\n", "energy: free energy -log sum_y exp(-F(x, y))", res.EnergyAUROC)
	fmt.Fprintf(out, "%-58s %.4f\n", "maximum softmax probability of exp(-F(x, y)), negated", res.MSPAUROC)
	if *plot == "" {
		return nil
	}
	if err := viz.SavePNG(*plot, res.Plot(*in, *input)); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote the histograms of both scores to %s\n", *plot)
	return nil
}
