package optim

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
)

// stepKey is the state name of a parameter's update count.
const stepKey = "step"

// slots is the per-parameter state of an optimizer: for each parameter a
// set of named buffers of the parameter's size, created on its first
// update, and (when counted) the number of updates it has had. A parameter
// that has never been updated has no state at all, as in PyTorch.
type slots struct {
	names   []string      // buffer names, spelled as in PyTorch
	counted bool          // whether a step count is kept
	bufs    [][][]float32 // bufs[i][k]: buffer names[k] of parameter i, nil until first update
	steps   []int64       // steps[i]: updates of parameter i so far
}

func newSlots(n int, counted bool, names []string) slots {
	return slots{names: names, counted: counted, bufs: make([][][]float32, n), steps: make([]int64, n)}
}

// slot returns parameter i's buffers, creating zeroed buffers of size n on
// first use; fresh reports whether they were just created.
func (s *slots) slot(i, n int) (bufs [][]float32, fresh bool) {
	if s.bufs[i] == nil {
		s.bufs[i] = make([][]float32, len(s.names))
		for k := range s.names {
			s.bufs[i][k] = make([]float32, n)
		}
		fresh = true
	}
	return s.bufs[i], fresh
}

// State returns copies of the per-parameter state, keyed
// "<parameter index>.<name>": each buffer with its parameter's shape and,
// for optimizers that count updates, "<index>.step" as a one-value tensor
// (exact up to 2^24 updates). Parameters never updated have no entries.
func (b *base) State() map[string]*tensor.Tensor {
	out := map[string]*tensor.Tensor{}
	for i, bufs := range b.bufs {
		if bufs == nil {
			continue
		}
		shape := b.params[i].Shape()
		for k, name := range b.names {
			out[key(i, name)] = tensor.New(slices.Clone(bufs[k]), shape...)
		}
		if b.counted {
			out[key(i, stepKey)] = tensor.New([]float32{float32(b.steps[i])}, 1)
		}
	}
	return out
}

// LoadState replaces the per-parameter state with state, as returned by
// State of an optimizer of the same kind and configuration over parameters
// of the same shapes. Parameters without entries start afresh. Nothing is
// changed when state is invalid: an unknown name, an index out of range, a
// shape that differs from the parameter's, a parameter with only part of
// its entries, or a step count that is not a whole number.
func (b *base) LoadState(state map[string]*tensor.Tensor) error {
	keys := make([]string, 0, len(state))
	for k := range state {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := b.names
	if b.counted {
		want = append(slices.Clone(want), stepKey)
	}
	found := map[int][]string{}
	for _, k := range keys {
		i, name, err := b.parseKey(k, want)
		if err != nil {
			return err
		}
		if err := b.checkEntry(k, i, name, state[k]); err != nil {
			return err
		}
		found[i] = append(found[i], name)
	}
	for i := range b.params {
		names, ok := found[i]
		if !ok {
			continue
		}
		for _, name := range want {
			if !slices.Contains(names, name) {
				return fmt.Errorf("optim: %s: LoadState: parameter %d has %s but no %q", b.name, i, strings.Join(names, ", "), key(i, name))
			}
		}
	}
	for i, p := range b.params {
		if _, ok := found[i]; !ok {
			b.bufs[i], b.steps[i] = nil, 0
			continue
		}
		bufs, _ := b.slot(i, p.Len())
		for k, name := range b.names {
			copy(bufs[k], state[key(i, name)].Data())
		}
		if b.counted {
			b.steps[i] = int64(state[key(i, stepKey)].Item())
		}
	}
	return nil
}

// parseKey splits "<index>.<name>" and checks both parts.
func (b *base) parseKey(k string, want []string) (int, string, error) {
	idx, name, ok := strings.Cut(k, ".")
	i, err := strconv.Atoi(idx)
	if !ok || err != nil || !slices.Contains(want, name) {
		return 0, "", fmt.Errorf("optim: %s: LoadState: unknown entry %q (want \"<index>.<name>\" with name one of %s)", b.name, k, strings.Join(want, ", "))
	}
	if i < 0 || i >= len(b.params) {
		return 0, "", fmt.Errorf("optim: %s: LoadState: entry %q: index out of range for %d parameters", b.name, k, len(b.params))
	}
	return i, name, nil
}

// checkEntry checks the tensor stored under k for parameter i.
func (b *base) checkEntry(k string, i int, name string, t *tensor.Tensor) error {
	if t == nil {
		return fmt.Errorf("optim: %s: LoadState: entry %q is nil", b.name, k)
	}
	if name == stepKey {
		if t.Len() != 1 {
			return fmt.Errorf("optim: %s: LoadState: entry %q has shape %v, want one value", b.name, k, t.Shape())
		}
		v := float64(t.Data()[0])
		if !(v >= 0) || math.IsInf(v, 1) || v != math.Trunc(v) {
			return fmt.Errorf("optim: %s: LoadState: entry %q is %v, want a whole number of steps", b.name, k, v)
		}
		return nil
	}
	if got, want := t.Shape(), b.params[i].Shape(); !slices.Equal(got, want) {
		return fmt.Errorf("optim: %s: LoadState: entry %q has shape %v, parameter %d has shape %v", b.name, k, got, i, want)
	}
	return nil
}

func key(i int, name string) string { return strconv.Itoa(i) + "." + name }
