package data

import (
	"slices"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// rowsTensor returns an [n, 2] tensor whose row i is (i, -i), so that a
// batch shows which rows it holds.
func rowsTensor(n int) (*tensor.Tensor, []int) {
	x := tensor.Zeros(n, 2)
	labels := make([]int, n)
	for i := range n {
		x.Set(float32(i), i, 0)
		x.Set(float32(-i), i, 1)
		labels[i] = 100 + i
	}
	return x, labels
}

func TestLoaderBatches(t *testing.T) {
	x, labels := rowsTensor(10)
	for _, tc := range []struct {
		name    string
		opt     LoaderOptions
		batches int
		sizes   []int
	}{
		{"in order", LoaderOptions{BatchSize: 4}, 3, []int{4, 4, 2}},
		{"drop last", LoaderOptions{BatchSize: 4, DropLast: true}, 2, []int{4, 4}},
		{"shuffled", LoaderOptions{BatchSize: 3, Shuffle: true, RNG: tensor.NewRNG(9)}, 4, []int{3, 3, 3, 1}},
		{"exact", LoaderOptions{BatchSize: 5, DropLast: true}, 2, []int{5, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := NewLoader(x, labels, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if l.Len() != tc.batches {
				t.Fatalf("Len %d, want %d", l.Len(), tc.batches)
			}
			var seen []int
			var sizes []int
			for b := range l.Epoch(0) {
				sizes = append(sizes, len(b.Index))
				if !slices.Equal(b.X.Shape(), []int{len(b.Index), 2}) {
					t.Errorf("batch shape %v for %d rows", b.X.Shape(), len(b.Index))
				}
				for k, i := range b.Index {
					if b.X.At(k, 0) != float32(i) || b.X.At(k, 1) != float32(-i) || b.Labels[k] != 100+i {
						t.Errorf("batch row %d holds (%v, %v) label %d, want row %d", k, b.X.At(k, 0), b.X.At(k, 1), b.Labels[k], i)
					}
				}
				seen = append(seen, b.Index...)
			}
			if !slices.Equal(sizes, tc.sizes) {
				t.Errorf("batch sizes %v, want %v", sizes, tc.sizes)
			}
			if !tc.opt.DropLast {
				sorted := slices.Sorted(slices.Values(seen))
				for i, v := range sorted {
					if v != i {
						t.Fatalf("epoch visited rows %v, want each of 0..9 once", sorted)
					}
				}
			}
			if !tc.opt.Shuffle && !slices.IsSorted(seen) {
				t.Errorf("unshuffled order %v", seen)
			}
		})
	}
}

func TestLoaderShuffleDeterminism(t *testing.T) {
	x, _ := rowsTensor(50)
	order := func(seed uint64, epoch int) []int {
		l, err := NewLoader(x, nil, LoaderOptions{BatchSize: 7, Shuffle: true, RNG: tensor.NewRNG(seed)})
		if err != nil {
			t.Fatal(err)
		}
		var idx []int
		for b := range l.Epoch(epoch) {
			idx = append(idx, b.Index...)
		}
		return idx
	}
	if !slices.Equal(order(1, 0), order(1, 0)) {
		t.Error("same seed gave different orders")
	}
	if slices.Equal(order(1, 0), order(1, 1)) {
		t.Error("epochs 0 and 1 share an order")
	}
	if slices.Equal(order(1, 0), order(2, 0)) {
		t.Error("seeds 1 and 2 share an order")
	}
	if slices.IsSorted(order(1, 0)) {
		t.Error("shuffled order is sorted")
	}
}

// TestLoaderResume checks that a loader restored from State continues with
// exactly the batches of one that never stopped.
func TestLoaderResume(t *testing.T) {
	x, labels := rowsTensor(23)
	opt := func() LoaderOptions {
		return LoaderOptions{BatchSize: 5, Shuffle: true, RNG: tensor.NewRNG(4)}
	}
	a, _ := NewLoader(x, labels, opt())
	var want [][]int
	for range 12 {
		want = append(want, a.Next().Index)
	}

	b, _ := NewLoader(x, labels, opt())
	for range 7 {
		b.Next()
	}
	st := b.State()
	if st.Epoch != 1 || st.Step != 2 {
		t.Fatalf("after 7 batches of 5 per epoch: state %+v, want epoch 1 step 2", st)
	}
	// A loader made from another RNG takes the saved seed with the state.
	c, _ := NewLoader(x, labels, LoaderOptions{BatchSize: 5, Shuffle: true, RNG: tensor.NewRNG(99)})
	if err := c.SetState(st); err != nil {
		t.Fatal(err)
	}
	for i := 7; i < 12; i++ {
		if got := c.Next(); !slices.Equal(got.Index, want[i]) || got.Epoch != i/5 || got.Step != i%5 {
			t.Errorf("batch %d after resume: rows %v (epoch %d step %d), want %v", i, got.Index, got.Epoch, got.Step, want[i])
		}
	}
	if err := c.SetState(LoaderState{Epoch: 0, Step: 5}); err == nil {
		t.Error("out-of-range state accepted")
	}
}

func TestLoaderCopiesRows(t *testing.T) {
	x, _ := rowsTensor(4)
	l, _ := NewLoader(x, nil, LoaderOptions{BatchSize: 2})
	b := l.Next()
	b.X.Data()[0] = 42
	if x.At(0, 0) != 0 {
		t.Error("writing to a batch changed the dataset")
	}
	if b.Labels != nil {
		t.Errorf("labels %v from a loader without labels", b.Labels)
	}
}

func TestLoaderHigherRank(t *testing.T) {
	x := tensor.New([]float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 2, 2)
	l, _ := NewLoader(x, nil, LoaderOptions{BatchSize: 2})
	b := l.Batch(0, 1)
	if !slices.Equal(b.X.Shape(), []int{1, 2, 2}) || !slices.Equal(b.X.Data(), []float32{8, 9, 10, 11}) {
		t.Errorf("last batch %v %v, want [1 2 2] [8 9 10 11]", b.X.Shape(), b.X.Data())
	}
}

func TestNewLoaderErrors(t *testing.T) {
	x, labels := rowsTensor(5)
	for _, tc := range []struct {
		name   string
		x      *tensor.Tensor
		labels []int
		opt    LoaderOptions
	}{
		{"no rows", tensor.Zeros(0, 2), nil, LoaderOptions{BatchSize: 1}},
		{"label count", x, labels[:3], LoaderOptions{BatchSize: 1}},
		{"zero batch", x, nil, LoaderOptions{}},
		{"no full batch", x, nil, LoaderOptions{BatchSize: 6, DropLast: true}},
		{"shuffle without rng", x, nil, LoaderOptions{BatchSize: 2, Shuffle: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewLoader(tc.x, tc.labels, tc.opt); err == nil {
				t.Error("no error")
			}
		})
	}
}
