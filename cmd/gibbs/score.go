package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// runScore is 'gibbs score': the energy of every sample of an input under
// a trained energy model, as a CSV file with one row per sample, and,
// when the input has labels, the AUROC of the energy as an anomaly score.
func runScore(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	runPath := fs.String("run", "", "run folder of a trained model that gives energies (ebm, ebm-label, ae, vae, gan with ebgan, rbm, ...) (required)")
	input := fs.String("input", "", "samples to score (required): a .csv file of numbers, one sample a row (read a batch at a time; "+
		"a column named label holds classes), idx:IMAGES[,LABELS], or mnist or fashion-mnist for their test sets")
	outPath := fs.String("out", "scores.csv", "CSV file to write: a column energy, and label when the input has labels")
	batch := fs.Int("batch", 500, "samples scored at once")
	var normal []int
	fs.Func("normal", "labels of the normal classes, comma-separated; every other label is an anomaly "+
		"(default: the class the run was trained on with --class, else 0)", func(s string) error {
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 0 {
				return fmt.Errorf("want labels like 0,1")
			}
			normal = append(normal, n)
		}
		return nil
	})
	if err := parseFlags(fs, args, out, "gibbs score --run DIR --input FILE [--out scores.csv] [--normal 0,...]"); err != nil {
		return err
	}
	switch {
	case *runPath == "" || *input == "":
		return usagef("--run and --input are required")
	case *batch <= 0:
		return usagef("--batch must be positive, got %d", *batch)
	}
	m, err := train.Open(*runPath)
	if err != nil {
		return err
	}
	model, ok := m.(energy.Model)
	if !ok {
		return usagef("%s: run of kind %s has no energy", *runPath, m.Kind())
	}
	features := 0 // any
	if s, ok := m.(train.InputShaper); ok {
		features = 1
		for _, d := range s.InputShape() {
			features *= d
		}
	}
	if normal == nil {
		normal = []int{trainedClass(m)}
	}
	src, err := openScoreInput(*input, *batch, features)
	if err != nil {
		return err
	}
	defer src.Close()
	var (
		scores    []float64
		anomalous []bool
		labelled  bool
		inputErr  error // a fault of the input, reported as it is
	)
	err = atomicfile.Write(*outPath, func(w io.Writer) (err error) {
		defer func() {
			// A shape error inside the model panics; the file must not be
			// left half-written.
			if r := recover(); r != nil {
				err = fmt.Errorf("%v", r)
			}
		}()
		bw := bufio.NewWriter(w)
		for first := true; ; first = false {
			x, labels, err := src.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				inputErr = err
				return err
			}
			if first {
				labelled = labels != nil
				bw.WriteString("energy")
				if labelled {
					bw.WriteString(",label")
				}
				bw.WriteByte('\n')
			}
			e := model.Energy(nil, x).DetachRelease().Data()
			for i, v := range e {
				bw.WriteString(strconv.FormatFloat(float64(v), 'g', -1, 32))
				if labelled {
					bw.WriteString("," + strconv.Itoa(labels[i]))
					scores = append(scores, float64(v))
					anomalous = append(anomalous, !slices.Contains(normal, labels[i]))
				}
				bw.WriteByte('\n')
			}
		}
		return bw.Flush()
	})
	if inputErr != nil {
		return inputErr
	}
	if err != nil {
		return err
	}
	if !labelled {
		fmt.Fprintf(out, "wrote the energies of %s to %s\n", *input, *outPath)
		return nil
	}
	fmt.Fprintf(out, "wrote the energies and labels of %d samples of %s to %s\n", len(scores), *input, *outPath)
	auc, err := energy.AUROC(scores, anomalous)
	if err != nil {
		fmt.Fprintf(out, "no AUROC with normal labels %v: %v\n", normal, err)
		return nil
	}
	anomalies := 0
	for _, a := range anomalous {
		if a {
			anomalies++
		}
	}
	fmt.Fprintf(out, "AUROC %.4f: energy as anomaly score, %d normal samples (labels %v), %d anomalies\n", auc, len(scores)-anomalies, normal, anomalies)
	return nil
}

// trainedClass returns the class a run was trained on alone (--class of
// gibbs train ae and vae), or 0.
func trainedClass(m train.Model) int {
	var c *int
	switch t := m.(type) {
	case *ae.TrainedAE:
		c = t.Config.Class
	case *ae.TrainedVAE:
		c = t.Config.Class
	}
	if c == nil {
		return 0
	}
	return *c
}

// scoreInput yields the samples to score a batch at a time.
type scoreInput interface {
	// Next returns the next batch of samples, [n, features], and their
	// labels (nil for unlabelled input), or io.EOF after the last.
	Next() (*tensor.Tensor, []int, error)
	Close() error
}

// openScoreInput opens a CSV file to read in batches, or a data set that
// data.Open reads whole (its test split), and checks that its samples
// have the given number of features (0: any).
func openScoreInput(spec string, batch, features int) (scoreInput, error) {
	if strings.HasSuffix(strings.ToLower(spec), ".csv") {
		f, err := os.Open(spec)
		if err != nil {
			return nil, usagef("%v", err)
		}
		b, err := data.NewCSVBatches(f, data.CSVBatchOptions{Name: spec, BatchSize: batch, Features: features})
		if err != nil {
			f.Close()
			return nil, err
		}
		return &csvInput{b, f}, nil
	}
	set, err := data.Open(spec, data.Test)
	if err != nil {
		return nil, err
	}
	if d := set.X.Size(1); features > 0 && d != features {
		return nil, usagef("%s row 1 has %d features, want %d like the run's samples", spec, d, features)
	}
	return &setInput{set: set, batch: batch}, nil
}

type csvInput struct {
	b *data.CSVBatches
	f *os.File
}

func (c *csvInput) Next() (*tensor.Tensor, []int, error) {
	b, err := c.b.Next()
	return b.X, b.Labels, err
}

func (c *csvInput) Close() error { return c.f.Close() }

// setInput cuts a data set held in memory into batches.
type setInput struct {
	set   *data.Set
	batch int
	next  int
}

func (s *setInput) Next() (*tensor.Tensor, []int, error) {
	n := s.set.X.Size(0)
	if s.next >= n {
		return nil, nil, io.EOF
	}
	lo, m := s.next, min(s.batch, n-s.next)
	s.next += m
	var labels []int
	if s.set.Labels != nil {
		labels = s.set.Labels[lo : lo+m]
	}
	return s.set.X.Narrow(0, lo, m), labels, nil
}

func (*setInput) Close() error { return nil }
