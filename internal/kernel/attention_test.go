package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// attentionRef computes the weights w and the output out of attention for
// h from their definitions in float64, and for the output gradient g the
// gradients with respect to the operands, dq and dkv laid out as q and kv
// (for self-attention, q is qkv and kv nil, and dq holds all three).
func attentionRef(q, kv, g []float32, h Heads) (out, w, dq, dkv []float64) {
	t, nk, dh, e := h.T, h.keys(), h.Dim, h.e()
	x := h.crossOperands(q, kv)
	if kv == nil {
		x = h.selfOperands(q)
	}
	base := func(part []float32) int { return len(q) - len(part) } // offset of k or v in qkv
	out, w, dq, dkv = make([]float64, h.Batch*t*e), make([]float64, h.Batch*h.Heads*t*nk), make([]float64, len(q)), make([]float64, len(kv))
	dk, dv, kOff, vOff := dkv, dkv, 0, e
	if kv == nil {
		dk, dv, kOff, vOff = dq, dq, base(x.k), base(x.v)
	}
	for s := 0; s < h.Batch; s++ {
		for j := 0; j < h.Heads; j++ {
			qi := func(a, p int) int { return s*t*x.ldq + a*x.ldq + j*dh + p }
			ki := func(b, p int) int { return s*nk*x.ldkv + b*x.ldkv + j*dh + p }
			wp := w[(s*h.Heads+j)*t*nk:]
			ds := make([]float64, t*nk)
			for a := 0; a < t; a++ {
				m := math.Inf(-1)
				for b := 0; b < nk; b++ {
					var d float64
					for p := 0; p < dh; p++ {
						d += float64(x.q[qi(a, p)]) * float64(x.k[ki(b, p)])
					}
					wp[a*nk+b] = d * float64(h.Scale)
					if h.Causal && b > a {
						wp[a*nk+b] = math.Inf(-1)
					}
					m = math.Max(m, wp[a*nk+b])
				}
				var sum float64
				for b := 0; b < nk; b++ {
					wp[a*nk+b] = math.Exp(wp[a*nk+b] - m)
					sum += wp[a*nk+b]
				}
				for b := 0; b < nk; b++ {
					wp[a*nk+b] /= sum
				}
				// out = W V; dW = G V^T; dS = W (dW - <dW, W>).
				gi := func(p int) int { return (s*t+a)*e + j*dh + p }
				for p := 0; p < dh; p++ {
					var o float64
					for b := 0; b < nk; b++ {
						o += wp[a*nk+b] * float64(x.v[ki(b, p)])
					}
					out[gi(p)] = o
				}
				var dot float64
				for b := 0; b < nk; b++ {
					var d float64
					for p := 0; p < dh; p++ {
						d += float64(g[gi(p)]) * float64(x.v[ki(b, p)])
					}
					ds[a*nk+b] = d
					dot += d * wp[a*nk+b]
				}
				for b := 0; b < nk; b++ {
					ds[a*nk+b] = wp[a*nk+b] * (ds[a*nk+b] - dot)
				}
			}
			// dQ = s dS K; dV = W^T G, dK = s dS^T Q.
			for p := 0; p < dh; p++ {
				for a := 0; a < t; a++ {
					var d float64
					for b := 0; b < nk; b++ {
						d += ds[a*nk+b] * float64(x.k[ki(b, p)])
					}
					dq[qi(a, p)] = float64(h.Scale) * d
				}
				for b := 0; b < nk; b++ {
					var dvb, dkb float64
					for a := 0; a < t; a++ {
						dvb += wp[a*nk+b] * float64(g[(s*t+a)*e+j*dh+p])
						dkb += ds[a*nk+b] * float64(x.q[qi(a, p)])
					}
					dv[vOff+ki(b, p)] = dvb
					dk[kOff+ki(b, p)] = float64(h.Scale) * dkb
				}
			}
		}
	}
	return out, w, dq, dkv
}

// Attention and SelfAttention and their gradients against their
// definitions, with every micro-kernel, every level of the vector loops
// and 1-3 threads, on shapes with whole and partial register tiles (T,
// Keys and Dim below, at and above the tiles' widths) and pairs enough to
// split across threads, with and without the causal mask.
func TestAttention(t *testing.T) {
	defer SetThreads(0)
	cases := []Heads{
		{Batch: 1, T: 1, Heads: 1, Dim: 1}, {Batch: 2, T: 5, Heads: 3, Dim: 7}, {Batch: 3, T: 16, Heads: 4, Dim: 16, Causal: true},
		{Batch: 2, T: 33, Heads: 2, Dim: 20, Causal: true}, {Batch: 3, T: 64, Heads: 2, Dim: 32},
		// Attention to other keys.
		{Batch: 2, T: 5, Keys: 9, Heads: 3, Dim: 7}, {Batch: 3, T: 13, Keys: 4, Heads: 2, Dim: 16, Causal: true},
		{Batch: 3, T: 64, Keys: 40, Heads: 2, Dim: 32},
	}
	type input struct {
		q, kv, g                      []float32
		wantOut, wantW, wantQ, wantKV []float64
	}
	rng := rand.New(rand.NewPCG(7, 8))
	randn := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		return x
	}
	inputs := make([]input, len(cases))
	for i := range cases {
		h, in := &cases[i], &inputs[i]
		h.Scale = float32(1 / math.Sqrt(float64(h.Dim)))
		if h.Keys == 0 {
			in.q = randn(h.Batch * h.T * 3 * h.e())
		} else {
			in.q, in.kv = randn(h.Batch*h.T*h.e()), randn(h.Batch*h.Keys*2*h.e())
		}
		in.g = randn(h.Batch * h.T * h.e())
		in.wantOut, in.wantW, in.wantQ, in.wantKV = attentionRef(in.q, in.kv, in.g, *h)
	}
	forEachLevel(t, func(t *testing.T) {
		for _, kern := range kernels {
			for _, threads := range []int{1, 2, 3} {
				SetThreads(threads)
				for i, h := range cases {
					in := inputs[i]
					name := fmt.Sprintf("%s/threads=%d/%+v", kern.name, threads, h)
					out, w := make([]float32, len(in.g)), make([]float32, len(in.wantW))
					dq, dkv := make([]float32, len(in.q)), make([]float32, len(in.kv))
					x, d := h.selfOperands(in.q), h.selfOperands(dq)
					if in.kv != nil {
						x, d = h.crossOperands(in.q, in.kv), h.crossOperands(dq, dkv)
					}
					attend(kern, out, w, x, h)
					attendGrad(kern, d, in.g, w, x, h)
					tol := 1e-5 * float64(h.T+h.keys()+h.Dim)
					closeTo(t, name+"/out", out, in.wantOut, tol)
					closeTo(t, name+"/w", w, in.wantW, 1e-6*float64(h.Dim))
					closeTo(t, name+"/dq", dq, in.wantQ, tol)
					closeTo(t, name+"/dkv", dkv, in.wantKV, tol)
				}
			}
		}
	})
}

// The exported functions check their arguments and run the same loops.
func TestAttentionEntries(t *testing.T) {
	h := Heads{Batch: 2, T: 3, Keys: 4, Heads: 2, Dim: 2, Scale: 0.5}
	q, kv, g := make([]float32, 2*3*4), make([]float32, 2*4*8), make([]float32, 2*3*4)
	for i := range kv {
		kv[i] = float32(i%7) * 0.1
		if i < len(q) {
			q[i], g[i] = float32(i%5)*0.2, float32(i%3)
		}
	}
	out, w, dq, dkv := make([]float32, len(g)), make([]float32, 2*2*3*4), make([]float32, len(q)), make([]float32, len(kv))
	Attention(out, w, q, kv, h)
	AttentionGrad(dq, dkv, g, w, q, kv, h)
	wantOut, _, wantQ, wantKV := attentionRef(q, kv, g, h)
	closeTo(t, "Attention", out, wantOut, 1e-5)
	closeTo(t, "AttentionGrad dq", dq, wantQ, 1e-5)
	closeTo(t, "AttentionGrad dkv", dkv, wantKV, 1e-5)
	h.Keys = 0
	qkv := make([]float32, 2*3*12)
	copy(qkv, kv)
	dqkv := make([]float32, len(qkv))
	SelfAttention(out, w, qkv, h)
	SelfAttentionGrad(dqkv, g, w, qkv, h)
	wantOut, _, wantQKV, _ := attentionRef(qkv, nil, g, h)
	closeTo(t, "SelfAttention", out, wantOut, 1e-5)
	closeTo(t, "SelfAttentionGrad", dqkv, wantQKV, 1e-5)
	for name, f := range map[string]func(){
		"short qkv":          func() { SelfAttention(out, w, qkv[:10], h) },
		"self with keys":     func() { SelfAttention(out, w, qkv, Heads{Batch: 2, T: 3, Keys: 4, Heads: 2, Dim: 2}) },
		"short kv":           func() { Attention(out, w, q, kv[:5], Heads{Batch: 2, T: 3, Keys: 4, Heads: 2, Dim: 2}) },
		"negative dimension": func() { Attention(out, w, q, kv, Heads{Batch: 2, T: 3, Heads: 2, Dim: -2}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// closeTo fails t unless got and want agree within tol, relative to the
// larger of 1 and |want|.
func closeTo(t *testing.T, name string, got []float32, want []float64, tol float64) {
	t.Helper()
	for i, w := range want {
		if d := math.Abs(float64(got[i]) - w); !(d <= tol*math.Max(1, math.Abs(w))) {
			t.Fatalf("%s: [%d] = %g, want %g", name, i, got[i], w)
		}
	}
}

// headProduct takes the products of 64 and 16 columns, from operands read
// in place or transposed, and gives, bit for bit, what the micro-kernel's
// direct path gives; it declines the others.
func TestHeadProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct {
		m, n, k     int
		transA, trB bool
		alpha       float32
		taken       bool
	}{
		{64, 64, 32, false, true, 0.25, true}, {64, 64, 32, false, false, 1, true}, {64, 64, 64, true, true, 0.5, true},
		{8, 64, 1, true, true, 1, true}, {40, 64, 17, false, false, -2, true}, {4, 64, 3, true, false, 1, true},
		{16, 16, 16, false, true, 0.25, true}, {16, 16, 16, true, false, 1, true}, {24, 16, 5, true, true, -1, true},
		{64, 32, 64, false, false, 1, false}, {12, 16, 16, false, false, 1, false}, {6, 64, 8, false, false, 1, false},
	} {
		// Operands inside wider rows, as the heads of a projection are.
		lda, ldb, ldc := c.k+5, c.n+7, c.n+3
		if c.transA {
			lda = c.m + 5
		}
		if c.trB {
			ldb = c.k + 7
		}
		a, b := make([]float32, max(c.m, c.k)*lda), make([]float32, max(c.k, c.n)*ldb)
		for i := range a {
			a[i] = float32(rng.NormFloat64())
		}
		for i := range b {
			b[i] = float32(rng.NormFloat64())
		}
		rsa, csa, rsb, csb := lda, 1, ldb, 1
		if c.transA {
			rsa, csa = 1, lda
		}
		if c.trB {
			rsb, csb = 1, ldb
		}
		got, want := make([]float32, c.m*ldc), make([]float32, c.m*ldc)
		buf := make([]float32, productScratch(activeKernel, c.k))
		if taken := headProduct(activeKernel, c.m, c.n, c.k, c.alpha, a, rsa, csa, b, rsb, csb, got, ldc, buf); taken != c.taken && activeKernel.name == "avx512" {
			t.Fatalf("%+v: taken %v", c, taken)
		} else if !taken {
			continue
		}
		p := gemmArgs{m: c.m, n: c.n, k: c.k, alpha: c.alpha, a: a, b: b, c: want, rsa: rsa, csa: csa, rsb: rsb, csb: csb, rsc: ldc, csc: 1}
		p.directPartIn(activeKernel, 0, c.m, 0, c.n, make([]float32, directScratch(activeKernel, c.k)))
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("%+v: C[%d, %d] = %v, want %v", c, i/ldc, i%ldc, got[i], want[i])
			}
		}
	}
}
