package attention

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func close(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}

// TestSoftTendsToHard checks that as beta grows the soft weights and output
// approach hard attention's, and that at beta = 0 attention is the mean.
func TestSoftTendsToHard(t *testing.T) {
	rng := tensor.NewRNG(1)
	q, k, v := tensor.Randn(rng, 5, 4), tensor.Randn(rng, 7, 4), tensor.Randn(rng, 7, 3)
	hardC, hardA := Hard(q, k, v)
	prev := math.Inf(1)
	for _, beta := range []float32{0.1, 1, 10, 100, 1000} {
		c, _ := Soft(q, k, v, beta)
		var dist float64
		for i, x := range c.Data() {
			dist = max(dist, math.Abs(float64(x-hardC.Data()[i])))
		}
		if dist > prev+1e-6 {
			t.Errorf("beta %v: distance to hard attention %.4g grew from %.4g", beta, dist, prev)
		}
		prev = dist
	}
	if prev > 1e-4 {
		t.Errorf("beta 1000: distance to hard attention %.4g, want ~0", prev)
	}
	_, a := Soft(q, k, v, 1000)
	if !close(a.Data(), hardA.Data(), 1e-4) {
		t.Errorf("beta 1000: weights %v, want the one-hot %v", a.Data(), hardA.Data())
	}
	c0, _ := Soft(q, k, v, 0)
	mean := v.Mean(0).Data()
	for i := range 5 {
		if !close(c0.Data()[3*i:3*i+3], mean, 1e-5) {
			t.Errorf("beta 0: query %d gives %v, want the mean of the values %v", i, c0.Data()[3*i:3*i+3], mean)
		}
	}
}

func TestHard(t *testing.T) {
	k := tensor.New([]float32{1, 0, 0, 1, 1, 1}, 3, 2)
	v := tensor.New([]float32{1, 2, 3}, 3, 1)
	for _, tc := range []struct {
		q    []float32
		want float32
	}{
		{[]float32{1, -1}, 1},
		{[]float32{-1, 1}, 2},
		{[]float32{1, 1}, 3},
		{[]float32{-1, -1}, 1}, // ties between keys 0 and 1 go to the first
	} {
		c, _ := Hard(tensor.New(tc.q, 1, 2), k, v)
		if got := c.Item(); got != tc.want {
			t.Errorf("query %v: %v, want %v", tc.q, got, tc.want)
		}
	}
}

// TestStraightThrough checks that the forward pass is hard attention and
// the gradient with respect to the query is that of soft attention.
func TestStraightThrough(t *testing.T) {
	rng := tensor.NewRNG(2)
	q0, k, v := tensor.Randn(rng, 3, 4), tensor.Randn(rng, 6, 4), tensor.Randn(rng, 6, 2)
	const beta = 0.7
	q := q0.Clone().SetRequiresGrad(true)
	c, a := StraightThrough(q, k, v, beta, nil)
	hardC, hardA := Hard(q0, k, v)
	if !close(c.Data(), hardC.Data(), 1e-6) || !close(a.Data(), hardA.Data(), 1e-6) {
		t.Fatalf("forward %v, want hard attention %v", c.Data(), hardC.Data())
	}
	// d/dq of sum(c * w) equals soft attention's through a: both backward
	// passes go through softmax(beta q k^T) with the same upstream gradient.
	w := tensor.Randn(rng, 3, 2)
	g := tensor.Grad(c.Mul(w).Sum(), q)[0]
	qs := q0.Clone().SetRequiresGrad(true)
	a2 := Weights(qs, k, beta)
	// The upstream gradient of a is w v^T in both cases.
	gs := tensor.Grad(a2.Mul(tensor.MatmulT(w, v, false, true)).Sum(), qs)[0]
	if !close(g.Data(), gs.Data(), 1e-5) {
		t.Errorf("gradient %v, want the soft weights' %v", g.Data(), gs.Data())
	}
	// With Gumbel noise the weights stay one-hot, and over many draws each
	// key is picked about as often as its soft weight says.
	counts := make([]float64, 6)
	const draws = 4000
	q1 := q0.Narrow(0, 0, 1)
	for range draws {
		_, a := StraightThrough(q1, k, v, beta, rng)
		for j, x := range a.Data() {
			counts[j] += float64(x)
		}
	}
	soft := Weights(q1, k, beta).Data()
	for j := range counts {
		if math.Abs(counts[j]/draws-float64(soft[j])) > 0.03 {
			t.Errorf("key %d drawn %.3f of the time, soft weight %.3f", j, counts[j]/draws, soft[j])
		}
	}
}

// TestSelfAttentionEquivariant checks that permuting the set permutes the
// output of self-attention the same way.
func TestSelfAttentionEquivariant(t *testing.T) {
	rng := tensor.NewRNG(3)
	x := tensor.Randn(rng, 5, 3)
	perm := []int{3, 0, 4, 1, 2}
	c, _ := SelfAttention(x, 0.5)
	cp, _ := SelfAttention(x.IndexSelect(0, perm), 0.5)
	if !close(cp.Data(), c.IndexSelect(0, perm).Data(), 1e-5) {
		t.Errorf("self-attention of a permuted set %v, want the permuted output %v", cp.Data(), c.IndexSelect(0, perm).Data())
	}
}

func TestShapePanics(t *testing.T) {
	for _, tc := range []struct {
		name    string
		q, k, v *tensor.Tensor
	}{
		{"query size", tensor.Zeros(2, 3), tensor.Zeros(4, 2), tensor.Zeros(4, 1)},
		{"values rows", tensor.Zeros(2, 3), tensor.Zeros(4, 3), tensor.Zeros(5, 1)},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			Soft(tc.q, tc.k, tc.v, 1)
		}()
	}
}
