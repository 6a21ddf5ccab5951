package energy

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// ReplayBuffer keeps persistent Langevin chains (Du & Mordatch 2019): each
// batch of negatives continues chains drawn from the buffer, a fraction
// ReinitRate of them restarted from uniform noise in [Lo, Hi], and the
// chains' ends go back to the buffer. It serves unconditional models.
type ReplayBuffer struct {
	// Chains holds the buffer's states, shape [capacity, ...].
	Chains     *tensor.Tensor
	ReinitRate float32
	Lo, Hi     float32
}

// NewReplayBuffer returns a buffer of capacity chains of the given sample
// shape, started from uniform noise in [lo, hi].
func NewReplayBuffer(rng *tensor.RNG, capacity int, sample []int, reinit, lo, hi float32) (*ReplayBuffer, error) {
	if capacity <= 0 || reinit < 0 || reinit > 1 || !(lo < hi) {
		return nil, fmt.Errorf("energy: replay buffer needs capacity > 0, re-init rate in [0, 1] and lo < hi, got %d, %v, [%v, %v]", capacity, reinit, lo, hi)
	}
	shape := append([]int{capacity}, sample...)
	return &ReplayBuffer{Chains: tensor.Uniform(rng, lo, hi, shape...), ReinitRate: reinit, Lo: lo, Hi: hi}, nil
}

// Draw returns n chain states (a copy) and their buffer indices; each is
// replaced by uniform noise with probability ReinitRate.
func (b *ReplayBuffer) Draw(n int, rng *tensor.RNG) (*tensor.Tensor, []int) {
	capacity := b.Chains.Size(0)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = rng.IntN(capacity)
	}
	y := b.Chains.IndexSelect(0, idx)
	row := y.Len() / n
	d := y.Values()
	for i := 0; i < n; i++ {
		if rng.Float32() < b.ReinitRate {
			for j := i * row; j < (i+1)*row; j++ {
				d[j] = b.Lo + (b.Hi-b.Lo)*rng.Float32()
			}
		}
	}
	return y, idx
}

// Store writes chain states y back at the indices Draw returned.
func (b *ReplayBuffer) Store(idx []int, y *tensor.Tensor) {
	row := y.Len() / len(idx)
	dst, src := b.Chains.Data(), y.Values()
	for i, k := range idx {
		copy(dst[k*row:(k+1)*row], src[i*row:(i+1)*row])
	}
}

// Replay is the persistent sampler: chains continued from a replay
// buffer, moved by Chain (Langevin, or MALA for exact steps).
type Replay struct {
	Chain  Chain
	Buffer *ReplayBuffer
	// Jump, when not nil, moves each drawn chain by one Metropolis-Hastings
	// jump with proposals near the data batch before the Langevin steps,
	// so that chains move between modes.
	Jump *Jump
}

// Sample draws len(pos) chains from the buffer, runs them and stores them back.
func (r Replay) Sample(m Model, x, pos *tensor.Tensor, rng *tensor.RNG) *tensor.Tensor {
	y0, idx := r.Buffer.Draw(pos.Size(0), rng)
	if r.Jump != nil {
		r.Jump.Move(m, x, y0, pos, rng)
	}
	y := r.Chain.Run(m, x, y0, rng)
	y0.Recycle()
	r.Buffer.Store(idx, y)
	return y
}
