package data

import (
	"errors"
	"fmt"
	"iter"

	"github.com/gibbsml/gibbs/tensor"
)

// LoaderOptions configures a Loader.
type LoaderOptions struct {
	// BatchSize is the number of rows per batch; it must be positive.
	BatchSize int
	// Shuffle visits the rows in a new random order each epoch. The
	// orders derive from one value drawn from RNG when the Loader is made.
	Shuffle bool
	// RNG seeds the shuffling; it is required when Shuffle is set.
	RNG *tensor.RNG
	// DropLast leaves out the last batch of an epoch when it would be
	// smaller than BatchSize.
	DropLast bool
}

// Batch is one batch of rows.
type Batch struct {
	X      *tensor.Tensor // [len(Index), ...]: a copy of the rows
	Labels []int          // the rows' labels; nil when the Loader has none
	Index  []int          // the rows' indices in the dataset
	Epoch  int            // the epoch the batch belongs to, from 0
	Step   int            // the batch's position within its epoch, from 0
}

// LoaderState is where a Loader stands: the seed of its shuffling and the
// next batch Next will return. It is what a checkpoint saves to resume the
// data order exactly.
type LoaderState struct {
	Seed  uint64 `json:"seed"`
	Epoch int    `json:"epoch"`
	Step  int    `json:"step"`
}

// Loader cuts a dataset of n rows (a tensor whose first axis has length n,
// and optional labels) into batches. The order of every epoch is a pure
// function of the seed and the epoch number, so any batch of any epoch can
// be produced again, and a run resumed from a LoaderState sees the same
// batches as one that never stopped.
type Loader struct {
	x      *tensor.Tensor
	labels []int
	opt    LoaderOptions
	n, row int // rows, and values per row
	state  LoaderState

	orderEpoch int // the epoch that order belongs to
	order      []int
}

// NewLoader returns a Loader over x's rows and, if labels is not nil, their
// labels (one per row).
func NewLoader(x *tensor.Tensor, labels []int, opt LoaderOptions) (*Loader, error) {
	if x.Dim() == 0 || x.Size(0) == 0 {
		return nil, fmt.Errorf("data: loader: dataset of shape %v has no rows", x.Shape())
	}
	n := x.Size(0)
	switch {
	case labels != nil && len(labels) != n:
		return nil, fmt.Errorf("data: loader: %d labels for %d rows", len(labels), n)
	case opt.BatchSize <= 0:
		return nil, fmt.Errorf("data: loader: batch size %d, want a positive number", opt.BatchSize)
	case opt.DropLast && n < opt.BatchSize:
		return nil, fmt.Errorf("data: loader: %d rows make no full batch of %d and DropLast is set", n, opt.BatchSize)
	case opt.Shuffle && opt.RNG == nil:
		return nil, errors.New("data: loader: Shuffle needs an RNG")
	}
	l := &Loader{x: x, labels: labels, opt: opt, n: n, row: x.Len() / n, orderEpoch: -1}
	if opt.Shuffle {
		l.state.Seed = opt.RNG.Uint64()
	}
	return l, nil
}

// Len returns the number of batches in an epoch.
func (l *Loader) Len() int {
	if l.opt.DropLast {
		return l.n / l.opt.BatchSize
	}
	return (l.n + l.opt.BatchSize - 1) / l.opt.BatchSize
}

// Batch returns batch step (0 ≤ step < Len()) of the given epoch.
func (l *Loader) Batch(epoch, step int) Batch {
	if epoch < 0 || step < 0 || step >= l.Len() {
		panic(fmt.Sprintf("data: Loader.Batch: epoch %d, step %d out of range (%d batches per epoch)", epoch, step, l.Len()))
	}
	lo := step * l.opt.BatchSize
	hi := min(lo+l.opt.BatchSize, l.n)
	idx := append([]int(nil), l.epochOrder(epoch)[lo:hi]...)

	shape := l.x.Shape()
	shape[0] = len(idx)
	vals := make([]float32, 0, len(idx)*l.row)
	src := l.x.Data()
	b := Batch{Index: idx, Epoch: epoch, Step: step}
	for _, i := range idx {
		vals = append(vals, src[i*l.row:(i+1)*l.row]...)
		if l.labels != nil {
			b.Labels = append(b.Labels, l.labels[i])
		}
	}
	b.X = tensor.New(vals, shape...)
	return b
}

// Epoch yields the batches of the given epoch in order. It does not move
// the position Next reads from.
func (l *Loader) Epoch(epoch int) iter.Seq[Batch] {
	return func(yield func(Batch) bool) {
		for step := range l.Len() {
			if !yield(l.Batch(epoch, step)) {
				return
			}
		}
	}
}

// Next returns the next batch and moves on, going from the last batch of
// an epoch to the first of the next; it never runs out. It suits training
// loops counted in steps.
func (l *Loader) Next() Batch {
	b := l.Batch(l.state.Epoch, l.state.Step)
	l.state.Step++
	if l.state.Step == l.Len() {
		l.state.Epoch++
		l.state.Step = 0
	}
	return b
}

// State returns the Loader's seed and the position of the batch Next
// returns next.
func (l *Loader) State() LoaderState { return l.state }

// SetState restores a state returned by State, typically from a
// checkpoint, so that Next continues where it stopped.
func (l *Loader) SetState(s LoaderState) error {
	if s.Epoch < 0 || s.Step < 0 || s.Step >= l.Len() {
		return fmt.Errorf("data: loader: state epoch %d, step %d out of range (%d batches per epoch)", s.Epoch, s.Step, l.Len())
	}
	if s.Seed != l.state.Seed {
		l.orderEpoch = -1
	}
	l.state = s
	return nil
}

// epochOrder returns the row order of epoch: the identity without
// shuffling, otherwise a permutation drawn from a generator seeded by the
// Loader's seed and the epoch number. The last order is cached.
func (l *Loader) epochOrder(epoch int) []int {
	if l.orderEpoch == epoch {
		return l.order
	}
	if l.opt.Shuffle {
		// Adding a multiple of an odd constant (2^64 divided by the golden
		// ratio) gives each epoch a distinct seed.
		l.order = tensor.NewRNG(l.state.Seed + uint64(epoch)*0x9e3779b97f4a7c15).Perm(l.n)
	} else if l.order == nil {
		l.order = make([]int, l.n)
		for i := range l.order {
			l.order[i] = i
		}
	}
	l.orderEpoch = epoch
	return l.order
}
