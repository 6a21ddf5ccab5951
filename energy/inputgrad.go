package energy

import (
	"sync"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// cacheBytes is a core's L2 cache: 1 MiB on the machines the kernels are
// tuned for (see the cache blocks of internal/kernel).
const cacheBytes = 1 << 20

// inputGrad computes what a sampler needs at each of its steps on one
// model, dF/dy and the energies (see gradY). For a model that computes
// each sample's energy from that sample alone (nn.SampleWise reporting
// true) and a batch whose maps outgrow the cache, it runs a few samples
// at a time, as many as keep one pass's graph within a core's L2 cache
// (see parts): every layer then reads what the one before wrote from
// the cache rather than from memory. The first call runs on the whole
// batch and measures its graph (tensor.GraphValues, which grows with the
// rows for such a model) to set the parts of the calls after it. Any
// other model is differentiated on the whole batch at once.
//
// The parts run side by side on the kernel's threads, each thread taking
// the next as it is done with one (see beside). The results are those of
// the whole batch within float32 rounding, not bit for bit: the products
// pick their kernels, whose sums run in different orders, by the number
// of rows. An inputGrad belongs to one sampler's run: it is not safe for
// concurrent use.
type inputGrad struct {
	m     Model
	split bool // m's energies are per sample
	parts int  // passes per call; 0 before the first
}

func newInputGrad(m Model) *inputGrad {
	return &inputGrad{m: m, split: nn.PerSample(m)}
}

// at returns dF/dy at y and the energies, which the caller recycles.
func (ig *inputGrad) at(x, y *tensor.Tensor) (g, e *tensor.Tensor) {
	return ig.beside(x, y, nil)
}

// beside is at running side (when not nil) beside the gradient, on
// another thread: with the batch in parts, side is one more task of the
// threads' shared list, which each thread takes from as it finishes the
// one before; otherwise it runs on a goroutine of its own. side must not
// touch the model, y or x. A panic of side or the model is raised again
// on the calling goroutine.
func (ig *inputGrad) beside(x, y *tensor.Tensor, side func()) (g, e *tensor.Tensor) {
	n := y.Size(0)
	parts := 1
	if ig.split && n > 0 && (x == nil || x.Size(0) == n) && ig.parts > 0 {
		parts = min(ig.parts, n)
	}
	if parts == 1 {
		if side == nil {
			return ig.whole(x, y)
		}
		// Buffered, so that side's goroutine ends even when m panics.
		done := make(chan any, 1)
		go func() {
			defer func() { done <- recover() }()
			side()
		}()
		g, e = ig.whole(x, y)
		if r := <-done; r != nil {
			panic(r)
		}
		return g, e
	}
	g, e = tensor.Empty(y.Shape()...), tensor.Empty(n)
	gd, ed := g.Values(), e.Values()
	row := y.Len() / n
	// Part p holds rows [p*n/parts, (p+1)*n/parts).
	one := func(p int) {
		i, k := p*n/parts, (p+1)*n/parts-p*n/parts
		yi, xi := rows(y, i, k), rows(x, i, k)
		gi, ei := gradY(ig.m, xi, yi, nil)
		copy(gd[i*row:], gi.Values())
		copy(ed[i:], ei.Values())
		for _, t := range []*tensor.Tensor{gi, ei, yi, xi} {
			if t != nil {
				t.Recycle()
			}
		}
	}
	// The tasks (side first, then the parts) run side by side on the
	// kernel's threads, each thread taking the next task (or run of tasks,
	// kernel.ParallelParts) as it is done with one, so that a thread that drew side's serial work runs fewer
	// parts; the products of a part run on its thread, the others being
	// busy with tasks of their own (one that is done helps).
	tasks := parts
	if side != nil {
		tasks++
	}
	var (
		mu     sync.Mutex
		failed any
	)
	kernel.ParallelParts(tasks, func(t0, t1 int) {
		defer func() {
			if r := recover(); r != nil {
				mu.Lock()
				failed = r
				mu.Unlock()
			}
		}()
		for t := t0; t < t1; t++ {
			switch {
			case side == nil:
				one(t)
			case t == 0:
				side()
			default:
				one(t - 1)
			}
		}
	})
	if failed != nil {
		panic(failed)
	}
	return g, e
}

// whole returns at's results from one pass over the whole batch; for a
// model whose energies are per sample, the first such pass sets the
// parts of the calls after it.
func (ig *inputGrad) whole(x, y *tensor.Tensor) (g, e *tensor.Tensor) {
	n := y.Size(0)
	if !ig.split || n == 0 || x != nil && x.Size(0) != n || ig.parts > 0 {
		return gradY(ig.m, x, y, nil)
	}
	var values int
	g, e = gradY(ig.m, x, y, &values)
	ig.parts = parts(n, max(1, 4*values/n), cacheBytes, kernel.Threads())
	return g, e
}

// parts returns the passes for a batch of n samples whose pass holds
// perSample bytes a sample: as few as keep each pass's graph (the maps,
// and what the backward pass keeps of them) within cache bytes, a
// multiple of threads so that each thread runs as many, and no more than
// n. The batch is split evenly among them, their sizes differing by one
// at most. The gradients of the maps are left out: each is read once, by
// the layer below, as soon as it is written.
func parts(n, perSample, cache, threads int) int {
	fit := max(1, cache/perSample)
	if fit >= n {
		return 1
	}
	p := (n + fit - 1) / fit
	return min(n, (p+threads-1)/threads*threads)
}

// rows returns a view of the k rows of t from row i, sharing t's values,
// or nil for a nil t. Recycling the view leaves t's buffer alone.
func rows(t *tensor.Tensor, i, k int) *tensor.Tensor {
	if t == nil {
		return nil
	}
	shape := t.Shape()
	row := t.Len() / shape[0]
	shape[0] = k
	return tensor.New(t.Values()[i*row:(i+k)*row], shape...)
}
