package kernel

import (
	"fmt"
	"math"
	"testing"
)

// SelfAttention's forward and backward passes at the shapes of the bench
// workloads transformer and transformer_reverse.
func BenchmarkSelfAttention(b *testing.B) {
	for _, h := range []Heads{{Batch: 32, T: 64, Heads: 4, Dim: 32}, {Batch: 128, T: 16, Heads: 4, Dim: 16}} {
		h.Scale = float32(1 / math.Sqrt(float64(h.Dim)))
		qkv, g := make([]float32, h.Batch*h.T*3*h.e()), make([]float32, h.Batch*h.T*h.e())
		for i := range qkv {
			qkv[i] = float32(math.Sin(float64(i)))
		}
		for i := range g {
			g[i] = float32(math.Cos(float64(i)))
		}
		out, w, dqkv := make([]float32, len(g)), make([]float32, h.Batch*h.Heads*h.T*h.T), make([]float32, len(qkv))
		b.Run(fmt.Sprintf("%dx%dx%dx%d", h.Batch, h.T, h.Heads, h.Dim), func(b *testing.B) {
			for range b.N {
				SelfAttention(out, w, qkv, h)
				SelfAttentionGrad(dqkv, g, w, qkv, h)
			}
		})
	}
}
