package bench

import (
	"fmt"
	"testing"
)

// benchWorkloads runs each workload named name as a sub-benchmark and
// reports its throughput in the workload's unit.
func benchWorkloads(b *testing.B, name string) {
	ws, err := Select([]string{name})
	if err != nil {
		b.Fatal(err)
	}
	d := RandomData(4, 0)
	for _, w := range ws {
		c := w.Setup(d)
		sub := w.Name
		if n, ok := c.Extra.Get("n"); ok {
			sub = fmt.Sprintf("n=%d", n)
		}
		b.Run(sub, func(b *testing.B) {
			c.Step()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				c.Step()
			}
			b.ReportMetric(c.Work*float64(b.N)/b.Elapsed().Seconds(), c.Unit)
		})
	}
}

func BenchmarkSgemm(b *testing.B)              { benchWorkloads(b, "sgemm") }
func BenchmarkMLPAE(b *testing.B)              { benchWorkloads(b, "mlp_ae") }
func BenchmarkVAE(b *testing.B)                { benchWorkloads(b, "vae") }
func BenchmarkGAN(b *testing.B)                { benchWorkloads(b, "gan") }
func BenchmarkTransformer(b *testing.B)        { benchWorkloads(b, "transformer") }
func BenchmarkConvnet(b *testing.B)            { benchWorkloads(b, "convnet") }
func BenchmarkEBM2D(b *testing.B)              { benchWorkloads(b, "ebm2d") }
func BenchmarkDCGAN(b *testing.B)              { benchWorkloads(b, "dcgan") }
func BenchmarkConvAE(b *testing.B)             { benchWorkloads(b, "conv_ae") }
func BenchmarkTransformerReverse(b *testing.B) { benchWorkloads(b, "transformer_reverse") }
func BenchmarkEBMImage(b *testing.B)           { benchWorkloads(b, "ebm_image") }
