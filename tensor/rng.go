package tensor

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RNG is a seeded pseudo-random generator. The same seed gives the same
// stream on every machine, and its state can be saved and restored
// (MarshalBinary, UnmarshalBinary) so a resumed run continues the stream.
// An RNG is not safe for concurrent use.
type RNG struct {
	src *rand.PCG
	r   *rand.Rand
}

// NewRNG returns a generator seeded with seed.
func NewRNG(seed uint64) *RNG {
	src := rand.NewPCG(seed, 0x9e3779b97f4a7c15)
	return &RNG{src: src, r: rand.New(src)}
}

// Float32 returns a uniform value in [0, 1).
func (g *RNG) Float32() float32 { return g.r.Float32() }

// Float64 returns a uniform value in [0, 1).
func (g *RNG) Float64() float64 { return g.r.Float64() }

// Norm returns a standard normal value.
func (g *RNG) Norm() float32 { return float32(g.r.NormFloat64()) }

// IntN returns a uniform integer in [0, n).
func (g *RNG) IntN(n int) int { return g.r.IntN(n) }

// Perm returns a uniform random permutation of 0..n-1.
func (g *RNG) Perm(n int) []int { return g.r.Perm(n) }

// Uint64 returns a uniform 64-bit value, useful to seed another generator.
func (g *RNG) Uint64() uint64 { return g.r.Uint64() }

// MarshalBinary returns the generator's state.
func (g *RNG) MarshalBinary() ([]byte, error) { return g.src.MarshalBinary() }

// UnmarshalBinary restores a state written by MarshalBinary.
func (g *RNG) UnmarshalBinary(b []byte) error {
	if err := g.src.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("tensor: restoring RNG state: %w", err)
	}
	return nil
}

// Rand returns a tensor of uniform values in [0, 1).
func Rand(g *RNG, shape ...int) *Tensor {
	t := Empty(shape...) // every value is drawn below
	for i := range t.data {
		t.data[i] = g.Float32()
	}
	return t
}

// Uniform returns a tensor of uniform values in [lo, hi).
func Uniform(g *RNG, lo, hi float32, shape ...int) *Tensor {
	t := Empty(shape...) // every value is drawn below
	for i := range t.data {
		t.data[i] = lo + (hi-lo)*g.Float32()
	}
	return t
}

// Randn returns a tensor of standard normal values.
func Randn(g *RNG, shape ...int) *Tensor {
	t := Empty(shape...) // every value is drawn below
	for i := range t.data {
		t.data[i] = g.Norm()
	}
	return t
}

// Bernoulli returns a tensor of 0s and 1s, each 1 with probability p.
func Bernoulli(g *RNG, p float32, shape ...int) *Tensor {
	if p < 0 || p > 1 || math.IsNaN(float64(p)) {
		panic(fmt.Sprintf("tensor: Bernoulli: probability %v is outside [0, 1]", p))
	}
	t := Zeros(shape...)
	for i := range t.data {
		if g.Float32() < p {
			t.data[i] = 1
		}
	}
	return t
}

// Permutation returns a 1-D tensor holding a random permutation of 0..n-1.
func Permutation(g *RNG, n int) *Tensor {
	t := Empty(n) // every value is set below
	for i, v := range g.Perm(n) {
		t.data[i] = float32(v)
	}
	return t
}
