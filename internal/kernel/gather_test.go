package kernel

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Gather and ScatterSum against the loops of their definitions, with one
// block and with enough blocks to split across threads, and their refusal
// of indices that are out of range or not whole.
func TestGatherScatter(t *testing.T) {
	cases := []struct{ outer, m, n, inner int }{
		{1, 5, 3, 1},
		{3, 4, 6, 2},
		{4096, 9, 16, 1},
		{64, 7, 5, 130},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range cases {
		src := make([]float32, c.outer*c.n*c.inner)
		vals := make([]float32, c.outer*c.m*c.inner)
		idx := make([]float32, len(vals))
		for i := range src {
			src[i] = r.Float32()
		}
		for i := range vals {
			vals[i], idx[i] = r.Float32(), float32(r.IntN(c.n))
		}
		wantG, wantS := make([]float32, len(vals)), make([]float32, len(src))
		for o := 0; o < c.outer; o++ {
			for j := 0; j < c.m; j++ {
				for i := 0; i < c.inner; i++ {
					p := (o*c.m+j)*c.inner + i
					q := (o*c.n+int(idx[p]))*c.inner + i
					wantG[p] = src[q]
					wantS[q] += vals[p]
				}
			}
		}
		gotG, gotS := make([]float32, len(vals)), slices.Repeat([]float32{7}, len(src))
		if !Gather(gotG, src, idx, c.outer, c.m, c.n, c.inner) || !slices.Equal(gotG, wantG) {
			t.Errorf("Gather %+v differs from its definition", c)
		}
		if !ScatterSum(gotS, vals, idx, c.outer, c.m, c.n, c.inner) || !slices.Equal(gotS, wantS) {
			t.Errorf("ScatterSum %+v differs from its definition", c)
		}
		for _, bad := range []float32{-1, float32(c.n), 0.5} {
			idx[len(idx)-1] = bad
			if Gather(gotG, src, idx, c.outer, c.m, c.n, c.inner) || ScatterSum(gotS, vals, idx, c.outer, c.m, c.n, c.inner) {
				t.Errorf("%+v: index %v accepted", c, bad)
			}
		}
	}
}
