package bench

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
)

// Batch and staging sizes of the reference script.
const (
	BatchSize = 128 // samples per batch of the image workloads
	Staged    = 32  // distinct pre-staged batches cycled through
)

// Data sources accepted by LoadData.
const (
	SourceAuto         = "auto"
	SourceFashionMNIST = "fashion-mnist"
	SourceRandom       = "random"
)

// Batch is one pre-staged batch: X [BatchSize, 784] in [0, 1] and Y
// [BatchSize] class indices in 0..9.
type Batch struct {
	X, Y *tensor.Tensor
}

// Data is the pre-staged batches the image workloads cycle through.
type Data struct {
	Source  string // SourceFashionMNIST or SourceRandom
	Batches []Batch
}

// LoadData stages Staged batches from source: Fashion-MNIST's first
// training images, uniform random images of the same shape, or (auto)
// Fashion-MNIST when its files are present and random data otherwise.
func LoadData(source string) (*Data, error) {
	switch source {
	case SourceAuto:
		images := filepath.Join(data.FashionMNISTDir, "train-images-idx3-ubyte.gz")
		if _, err := os.Stat(images); errors.Is(err, fs.ErrNotExist) {
			return RandomData(Staged, 0), nil
		}
		return loadFashionMNIST()
	case SourceFashionMNIST:
		return loadFashionMNIST()
	case SourceRandom:
		return RandomData(Staged, 0), nil
	}
	return nil, fmt.Errorf("bench: unknown data source %q (want %s, %s or %s)", source, SourceAuto, SourceFashionMNIST, SourceRandom)
}

// RandomData stages n batches of uniform random images and labels drawn
// from a generator seeded with seed.
func RandomData(n int, seed uint64) *Data {
	rng := tensor.NewRNG(seed)
	x := tensor.Rand(rng, n*BatchSize, 784)
	y := make([]float32, n*BatchSize)
	for i := range y {
		y[i] = float32(rng.IntN(10))
	}
	return stage(SourceRandom, x, y, n)
}

// loadFashionMNIST stages the first Staged*BatchSize training images and
// labels. Only those are kept; the rest of the set is handed back to the
// operating system before the workloads start.
func loadFashionMNIST() (*Data, error) {
	n := Staged * BatchSize
	set, err := data.Open("fashion-mnist", data.Train)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if set.X.Size(1) != 784 || set.X.Size(0) < n {
		return nil, fmt.Errorf("bench: Fashion-MNIST holds %v, want at least %d images of 28x28", set.X.Shape(), n)
	}
	x := set.X.Narrow(0, 0, n).Clone()
	y := make([]float32, n)
	for i := range y {
		y[i] = float32(set.Labels[i])
	}
	debug.FreeOSMemory()
	return stage(SourceFashionMNIST, x, y, Staged), nil
}

// stage cuts x [n*BatchSize, 784] and labels y into n batches.
func stage(source string, x *tensor.Tensor, y []float32, n int) *Data {
	d := &Data{Source: source, Batches: make([]Batch, n)}
	for i := range d.Batches {
		d.Batches[i] = Batch{
			X: x.Narrow(0, i*BatchSize, BatchSize).Clone(),
			Y: tensor.New(y[i*BatchSize:(i+1)*BatchSize], BatchSize),
		}
	}
	return d
}

// cycle returns a function that yields items[0], items[1], ... and starts
// over after the last.
func cycle[T any](items []T) func() T {
	i := 0
	return func() T {
		it := items[i]
		i = (i + 1) % len(items)
		return it
	}
}
