// Command mnistclasses prints the classes that the MNIST classifier of
// package gan (trained once into the cache folder) gives to images in a
// CSV file, one image of 784 pixels in [0, 1] a row, as 'gibbs sample -o
// FILE.csv' writes them:
//
//	gibbs sample --run runs/mnist-ebm -n 64 --steps 1000 -o samples.csv
//	go run ./scripts/mnistclasses samples.csv
//
// A sample counts for its most probable class when that class has
// probability at least -confidence (0.9).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/gan"
)

func main() {
	confidence := flag.Float64("confidence", 0.9, "class probability that makes a sample count for its class")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/mnistclasses [-confidence 0.9] SAMPLES.csv")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *confidence); err != nil {
		fmt.Fprintln(os.Stderr, "mnistclasses:", err)
		os.Exit(2)
	}
}

func run(path string, confidence float64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	set, err := data.ReadCSV(f, path)
	if err != nil {
		return err
	}
	if set.X.Size(1) != 28*28 {
		return fmt.Errorf("%s: rows of %d values, want 784 pixels", path, set.X.Size(1))
	}
	c, err := gan.MNISTClassifier(context.Background())
	if err != nil {
		return err
	}
	probs := c.Probs(set.X)
	st := energy.ClassCoverage(probs, confidence)
	counts := st.Counts
	fmt.Printf("%d samples: %d of %d classes, %.0f%% classified with probability >= %g; per class 0-9: %v\n",
		probs.Size(0), st.Covered, st.Modes, 100*st.HighQuality, confidence, counts)
	return nil
}
