package nn

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// biasGrad's threaded first derivative gives the bits of g.Sum(0, 2), on
// tensors below and above the size from which it splits the channels,
// with one sample, one channel or one position too.
func TestBiasGrad(t *testing.T) {
	for _, shape := range [][]int{{2, 3, 5}, {64, 16, 50}, {1, 4, 300}, {300, 1, 7}, {300, 4, 1}, {64, 16, 1100}} {
		g := tensor.Randn(tensor.NewRNG(9), shape...)
		got := biasGrad(g, false)
		want := g.Sum(0, 2)
		for i, v := range want.Values() {
			if w := got.Values()[i]; math.Float32bits(w) != math.Float32bits(v) {
				t.Fatalf("%v: channel %d: %v, Sum gives %v", shape, i, w, v)
			}
		}
	}
}

// convRef is a convolution (or, with transposed, a transposed one) made of
// tensor operations: Unfold, a broadcast Matmul and Fold, as Conv2d and
// ConvTranspose2d once were.
func convRef(x, w, b *tensor.Tensor, g tensor.ConvGeom, transposed bool, oh, ow int) *tensor.Tensor {
	ws, s := w.Shape(), x.Shape()
	if !transposed {
		y := w.Reshape(ws[0], -1).Matmul(x.Unfold(g)).Add(b.Reshape(ws[0], 1))
		h, wd := g.OutSize(s[2], s[3])
		return y.Reshape(s[0], ws[0], h, wd)
	}
	cols := tensor.MatmulT(w.Reshape(ws[0], -1), x.Reshape(s[0], s[1], -1), true, false)
	return cols.Fold(g, oh, ow).Add(b.Reshape(ws[1], 1, 1))
}

// Conv2d and ConvTranspose2d match convRef in their outputs and in the
// gradients of input, weight and bias, recorded or not, for batches that
// make chunks of one and of several images, and for the second derivative with respect
// to the input that a gradient penalty takes.
func TestConvMatchesReference(t *testing.T) {
	cases := []struct {
		name       string
		n, c, h, o int
		spec       ConvSpec
		transposed bool
	}{
		{"3x3", 5, 3, 9, 4, ConvSpec{Kernel: 3}, false},
		{"3x3 s2 p1", 64, 8, 14, 16, ConvSpec{Kernel: 3, Stride: 2, Padding: 1}, false},
		{"2x2 s2 p1 dilation 2", 3, 2, 11, 3, ConvSpec{Kernel: 2, Stride: 2, Padding: 1, Dilation: 2}, false},
		{"large image", 2, 4, 70, 3, ConvSpec{Kernel: 3, Padding: 1}, false},
		{"T 4x4 s2 p1", 16, 16, 7, 8, ConvSpec{Kernel: 4, Stride: 2, Padding: 1}, true},
		{"T 3x3 s2 p1 op1", 6, 4, 5, 3, ConvSpec{Kernel: 3, Stride: 2, Padding: 1, OutputPadding: 1}, true},
		// 4x4 stride-2 layers of C*O >= 512, which take minimal filtering.
		{"4x4 s2 p1 64->64", 2, 64, 8, 64, ConvSpec{Kernel: 4, Stride: 2, Padding: 1}, false},
		{"T 4x4 s2 p1 64->64", 2, 64, 3, 64, ConvSpec{Kernel: 4, Stride: 2, Padding: 1}, true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := tensor.NewRNG(uint64(i))
			x := tensor.Randn(rng, tc.n, tc.c, tc.h, tc.h).SetRequiresGrad(true)
			var layer Layer
			var w, b *tensor.Tensor
			var oh, ow int
			if tc.transposed {
				l := NewConvTranspose2d(rng, tc.c, tc.o, tc.spec)
				layer, w, b = l, l.Weight, l.Bias
				oh = (tc.h-1)*tc.spec.Stride - 2*tc.spec.Padding + tc.spec.Kernel + tc.spec.OutputPadding
				ow = oh
			} else {
				l := NewConv2d(rng, tc.c, tc.o, tc.spec)
				layer, w, b = l, l.Weight, l.Bias
			}
			g := tc.spec.geom()
			got := layer.Forward(x)
			want := convRef(x, w, b, g, tc.transposed, oh, ow)
			r := tensor.Randn(rng, want.Shape()...)
			gg := tensor.GradGraph(got.Mul(r).Sum(), x, w, b)
			gw := tensor.GradGraph(want.Mul(r).Sum(), x, w, b)
			// A plain first derivative takes both products in one pass.
			gp := tensor.Grad(got.Mul(r).Sum(), x, w)
			// The penalty's gradient goes through the input gradient's own
			// backward pass.
			pg := tensor.Grad(gg[0].Square().Sum(), x, w)
			pw := tensor.Grad(gw[0].Square().Sum(), x, w)
			for _, c := range []struct {
				name      string
				got, want *tensor.Tensor
			}{{"output", got, want}, {"dx", gg[0], gw[0]}, {"dw", gg[1], gw[1]}, {"db", gg[2], gw[2]},
				{"plain dx", gp[0], gw[0]}, {"plain dw", gp[1], gw[1]},
				{"penalty dx", pg[0], pw[0]}, {"penalty dw", pg[1], pw[1]}} {
				a, e := c.got.Values(), c.want.Values()
				if len(a) != len(e) {
					t.Fatalf("%s: %d values, want %d", c.name, len(a), len(e))
				}
				for j := range a {
					if d := math.Abs(float64(a[j] - e[j])); d > 1e-4*(1+math.Abs(float64(e[j]))) {
						t.Fatalf("%s value %d: %v, reference %v", c.name, j, a[j], e[j])
					}
				}
			}
		})
	}
}
