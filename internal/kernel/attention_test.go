package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// attentionRef computes SelfAttention's out and w and, for the output
// gradient g, SelfAttentionGrad's dqkv from their definitions in float64.
func attentionRef(qkv, g []float32, batch, t, heads, dh int, scale float64, causal bool) (out, w, dqkv []float64) {
	e := heads * dh
	out, w, dqkv = make([]float64, batch*t*e), make([]float64, batch*heads*t*t), make([]float64, len(qkv))
	at := func(s, part, j, row, col int) int { return (s*t+row)*3*e + part*e + j*dh + col }
	for s := 0; s < batch; s++ {
		for j := 0; j < heads; j++ {
			wp := w[(s*heads+j)*t*t:]
			for a := 0; a < t; a++ {
				m := math.Inf(-1)
				for b := 0; b < t; b++ {
					var d float64
					for p := 0; p < dh; p++ {
						d += float64(qkv[at(s, 0, j, a, p)]) * float64(qkv[at(s, 1, j, b, p)])
					}
					wp[a*t+b] = d * scale
					if causal && b > a {
						wp[a*t+b] = math.Inf(-1)
					}
					m = math.Max(m, wp[a*t+b])
				}
				var sum float64
				for b := 0; b < t; b++ {
					wp[a*t+b] = math.Exp(wp[a*t+b] - m)
					sum += wp[a*t+b]
				}
				for b := 0; b < t; b++ {
					wp[a*t+b] /= sum
				}
			}
			// out = W V; dW = G V^T, dV = W^T G; dS = W (dW - <dW, W>);
			// dQ = s dS K, dK = s dS^T Q.
			ds := make([]float64, t*t)
			for a := 0; a < t; a++ {
				for p := 0; p < dh; p++ {
					var o float64
					for b := 0; b < t; b++ {
						o += wp[a*t+b] * float64(qkv[at(s, 2, j, b, p)])
					}
					out[(s*t+a)*e+j*dh+p] = o
				}
				var dot float64
				for b := 0; b < t; b++ {
					var d float64
					for p := 0; p < dh; p++ {
						d += float64(g[(s*t+a)*e+j*dh+p]) * float64(qkv[at(s, 2, j, b, p)])
					}
					ds[a*t+b] = d
					dot += d * wp[a*t+b]
				}
				for b := 0; b < t; b++ {
					ds[a*t+b] = wp[a*t+b] * (ds[a*t+b] - dot)
				}
			}
			for a := 0; a < t; a++ {
				for p := 0; p < dh; p++ {
					var dv, dq, dk float64
					for b := 0; b < t; b++ {
						dv += wp[b*t+a] * float64(g[(s*t+b)*e+j*dh+p])
						dq += ds[a*t+b] * float64(qkv[at(s, 1, j, b, p)])
						dk += ds[b*t+a] * float64(qkv[at(s, 0, j, b, p)])
					}
					dqkv[at(s, 0, j, a, p)] = scale * dq
					dqkv[at(s, 1, j, a, p)] = scale * dk
					dqkv[at(s, 2, j, a, p)] = dv
				}
			}
		}
	}
	return out, w, dqkv
}

// SelfAttention and SelfAttentionGrad against their definitions, with
// every micro-kernel, every level of the vector loops and 1-3 threads,
// on shapes with whole and partial register tiles (t and dh below, at and
// above the tiles' widths) and pairs enough to split across threads,
// with and without the causal mask.
func TestSelfAttention(t *testing.T) {
	defer SetThreads(0)
	shapes := []Heads{
		{Batch: 1, T: 1, Heads: 1, Dim: 1}, {Batch: 2, T: 5, Heads: 3, Dim: 7}, {Batch: 3, T: 16, Heads: 4, Dim: 16, Causal: true},
		{Batch: 2, T: 33, Heads: 2, Dim: 20, Causal: true}, {Batch: 3, T: 64, Heads: 2, Dim: 32},
	}
	type input struct {
		qkv, g                []float32
		wantOut, wantW, wantD []float64
	}
	rng := rand.New(rand.NewPCG(7, 8))
	inputs := make([]input, len(shapes))
	for i := range shapes {
		h, in := &shapes[i], &inputs[i]
		h.Scale = float32(1 / math.Sqrt(float64(h.Dim)))
		in.qkv, in.g = make([]float32, h.Batch*h.T*3*h.e()), make([]float32, h.Batch*h.T*h.e())
		for i := range in.qkv {
			in.qkv[i] = float32(rng.NormFloat64())
		}
		for i := range in.g {
			in.g[i] = float32(rng.NormFloat64())
		}
		in.wantOut, in.wantW, in.wantD = attentionRef(in.qkv, in.g, h.Batch, h.T, h.Heads, h.Dim, float64(h.Scale), h.Causal)
	}
	forEachLevel(t, func(t *testing.T) {
		for _, kern := range kernels {
			for _, threads := range []int{1, 2, 3} {
				SetThreads(threads)
				for i, h := range shapes {
					in := inputs[i]
					name := fmt.Sprintf("%s/threads=%d/%+v", kern.name, threads, h)
					out, w, dqkv := make([]float32, len(in.g)), make([]float32, len(in.wantW)), make([]float32, len(in.qkv))
					selfAttention(kern, out, w, in.qkv, h)
					selfAttentionGrad(kern, dqkv, in.g, w, in.qkv, h)
					tol := 1e-5 * float64(h.T+h.Dim)
					closeTo(t, name+"/out", out, in.wantOut, tol)
					closeTo(t, name+"/w", w, in.wantW, 1e-6*float64(h.Dim))
					closeTo(t, name+"/dqkv", dqkv, in.wantD, tol)
				}
			}
		}
	})
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

func TestSelfAttentionPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a short qkv")
		}
	}()
	SelfAttention(make([]float32, 8), make([]float32, 8), make([]float32, 10), Heads{Batch: 1, T: 2, Heads: 2, Dim: 2, Scale: 1})
}
