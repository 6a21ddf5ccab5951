package nn

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// MaxPool2d takes the largest value of each window of each channel of an
// input [N, C, H, W]. Padding counts as -infinity, as in PyTorch. Where a
// window holds the maximum more than once, the gradient is split evenly
// among those positions (PyTorch gives it all to the first).
type MaxPool2d struct {
	Geom tensor.ConvGeom
}

// AvgPool2d averages each window of each channel of an input [N, C, H, W].
// Padding counts as zeros and the divisor is always the window size
// (PyTorch's default count_include_pad=True).
type AvgPool2d struct {
	Geom tensor.ConvGeom
}

// poolGeom returns the geometry of a square pooling window; stride 0 means
// the kernel size, PyTorch's default.
func poolGeom(layer string, kernel, stride, padding int) tensor.ConvGeom {
	if stride == 0 {
		stride = kernel
	}
	if kernel <= 0 || stride < 0 || padding < 0 || 2*padding > kernel {
		panic(fmt.Sprintf("nn: %s: kernel %d, stride %d, padding %d: want kernel > 0 and padding at most half the kernel", layer, kernel, stride, padding))
	}
	return tensor.ConvGeom{KH: kernel, KW: kernel, StrideH: stride, StrideW: stride, PadH: padding, PadW: padding, DilationH: 1, DilationW: 1}
}

// NewMaxPool2d returns a max pooling layer; stride 0 means the kernel size.
func NewMaxPool2d(kernel, stride, padding int) *MaxPool2d {
	return &MaxPool2d{poolGeom("MaxPool2d", kernel, stride, padding)}
}

// NewAvgPool2d returns an average pooling layer; stride 0 means the kernel size.
func NewAvgPool2d(kernel, stride, padding int) *AvgPool2d {
	return &AvgPool2d{poolGeom("AvgPool2d", kernel, stride, padding)}
}

// Params returns nothing: pooling has no parameters.
func (p *MaxPool2d) Params() []Param { return nil }

// Params returns nothing: pooling has no parameters.
func (p *AvgPool2d) Params() []Param { return nil }

// Forward returns the window maxima, of shape [N, C, OH, OW].
func (p *MaxPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return pool("MaxPool2d", x, p.Geom, float32(math.Inf(-1)), func(w *tensor.Tensor) *tensor.Tensor { return w.Max(1) })
}

// Forward returns the window means, of shape [N, C, OH, OW].
func (p *AvgPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return pool("AvgPool2d", x, p.Geom, 0, func(w *tensor.Tensor) *tensor.Tensor { return w.Mean(1) })
}

// pool unfolds every channel of x separately into windows [N*C, KH*KW, L],
// padding with fill, and reduces each window with reduce.
func pool(layer string, x *tensor.Tensor, g tensor.ConvGeom, fill float32, reduce func(*tensor.Tensor) *tensor.Tensor) *tensor.Tensor {
	s := x.Shape()
	if len(s) != 4 {
		panic(fmt.Sprintf("nn: %s: input shape %v, want [N, C, H, W]", layer, s))
	}
	n, c, h, w := s[0], s[1], s[2], s[3]
	oh, ow := g.OutSize(h, w)
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: %s: window %dx%d with %+v does not fit input %v", layer, g.KH, g.KW, g, s))
	}
	x1 := x.Reshape(n*c, 1, h, w)
	if fill != 0 && (g.PadH > 0 || g.PadW > 0) {
		x1 = x1.Pad(2, g.PadH, g.PadH).Pad(3, g.PadW, g.PadW).Add(border(h, w, g.PadH, g.PadW, fill))
		g.PadH, g.PadW = 0, 0
	}
	return reduce(x1.Unfold(g)).Reshape(n, c, oh, ow)
}

// border returns a [1, 1, h+2ph, w+2pw] tensor that is fill in the padding
// and zero inside.
func border(h, w, ph, pw int, fill float32) *tensor.Tensor {
	H, W := h+2*ph, w+2*pw
	b := tensor.Zeros(1, 1, H, W)
	d := b.Data()
	for i := 0; i < H; i++ {
		for j := 0; j < W; j++ {
			if i < ph || i >= ph+h || j < pw || j >= pw+w {
				d[i*W+j] = fill
			}
		}
	}
	return b
}
