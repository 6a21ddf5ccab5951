package kernel

import (
	"fmt"
	"math"
	"testing"
)

// SelfAttention's forward and backward passes at the shapes of the bench
// workloads transformer and transformer_reverse, and the same work done
// as batched products over every sequence with a softmax pass between.
func BenchmarkSelfAttention(b *testing.B) {
	for _, s := range []struct{ batch, t, heads, dh int }{{32, 64, 4, 32}, {128, 16, 4, 16}} {
		e := s.heads * s.dh
		qkv, g := make([]float32, s.batch*s.t*3*e), make([]float32, s.batch*s.t*e)
		for i := range qkv {
			qkv[i] = float32(math.Sin(float64(i)))
		}
		for i := range g {
			g[i] = float32(math.Cos(float64(i)))
		}
		out, w, dqkv := make([]float32, len(g)), make([]float32, s.batch*s.heads*s.t*s.t), make([]float32, len(qkv))
		scale := float32(1 / math.Sqrt(float64(s.dh)))
		b.Run(fmt.Sprintf("fused/%+v", s), func(b *testing.B) {
			for range b.N {
				SelfAttention(out, w, qkv, s.batch, s.t, s.heads, s.dh, scale)
				SelfAttentionGrad(dqkv, g, w, qkv, s.batch, s.t, s.heads, s.dh, scale)
			}
		})
		b.Run(fmt.Sprintf("batched/%+v", s), func(b *testing.B) {
			bt, t, h, dh := s.batch, s.t, s.heads, s.dh
			col := func(x []float32, part, j int) []float32 { return x[part*e+j*dh:] }
			dw := make([]float32, len(w))
			for range b.N {
				for j := 0; j < h; j++ {
					SgemmBatched(false, true, bt, t, t, dh, scale, col(qkv, 0, j), 3*e, t*3*e, col(qkv, 1, j), 3*e, t*3*e, 0, w[j*t*t:], t, h*t*t)
				}
				SoftmaxRows(w, w, t, false)
				for j := 0; j < h; j++ {
					SgemmBatched(false, false, bt, t, dh, t, 1, w[j*t*t:], t, h*t*t, col(qkv, 2, j), 3*e, t*3*e, 0, out[j*dh:], e, t*e)
				}
				for j := 0; j < h; j++ {
					SgemmBatched(false, true, bt, t, t, dh, 1, g[j*dh:], e, t*e, col(qkv, 2, j), 3*e, t*3*e, 0, dw[j*t*t:], t, h*t*t)
					SgemmBatched(true, false, bt, t, dh, t, 1, w[j*t*t:], t, h*t*t, g[j*dh:], e, t*e, 0, col(dqkv, 2, j), 3*e, t*3*e)
				}
				SoftmaxGradRows(dw, dw, w, t)
				for j := 0; j < h; j++ {
					SgemmBatched(false, false, bt, t, dh, t, scale, dw[j*t*t:], t, h*t*t, col(qkv, 1, j), 3*e, t*3*e, 0, col(dqkv, 0, j), 3*e, t*3*e)
					SgemmBatched(true, false, bt, t, dh, t, scale, dw[j*t*t:], t, h*t*t, col(qkv, 0, j), 3*e, t*3*e, 0, col(dqkv, 1, j), 3*e, t*3*e)
				}
			}
		})
	}
}
