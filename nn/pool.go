package nn

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// MaxPool2d takes the largest value of each window of each channel of an
// input [N, C, H, W]; padding never wins (it counts as -infinity). As in
// PyTorch, a NaN counts as the largest value and, where a window holds its
// maximum more than once, the gradient goes to the first of them.
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

// PerSample reports true: each image is pooled alone.
func (p *MaxPool2d) PerSample() bool { return true }

// PerSample reports true: each image is pooled alone.
func (p *AvgPool2d) PerSample() bool { return true }

// Forward returns the window maxima, of shape [N, C, OH, OW]. It records
// the position of each maximum; the gradient is scattered back there with
// ScatterAdd, whose own gradient is a Gather, so it can be differentiated
// again. The positions go back to the buffer pool with the graph.
func (p *MaxPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	n, c, h, w, oh, ow := poolDims("MaxPool2d", x, p.Geom)
	out, idx := tensor.Empty(n, c, oh, ow), tensor.Empty(n*c, oh*ow)
	kernel.MaxPool2d(out.Values(), idx.Values(), x.Values(), n*c, h, w, window(p.Geom))
	return tensor.Custom("MaxPool2d", out, []*tensor.Tensor{x}, func(b *tensor.Backprop) []*tensor.Tensor {
		return []*tensor.Tensor{b.Grad.Reshape(n*c, oh*ow).ScatterAdd(1, idx, h*w).Reshape(n, c, h, w)}
	}).Adopt(idx)
}

// Forward returns the window means, of shape [N, C, OH, OW], from the
// windows of every channel unfolded separately.
func (p *AvgPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	n, c, h, w, oh, ow := poolDims("AvgPool2d", x, p.Geom)
	return x.Reshape(n*c, 1, h, w).Unfold(p.Geom).Mean(1).Reshape(n, c, oh, ow)
}

// poolDims checks that x is [N, C, H, W] and that the window fits, and
// returns the sizes and the output height and width.
func poolDims(layer string, x *tensor.Tensor, g tensor.ConvGeom) (n, c, h, w, oh, ow int) {
	s := x.Shape()
	if len(s) != 4 {
		panic(fmt.Sprintf("nn: %s: input shape %v, want [N, C, H, W]", layer, s))
	}
	oh, ow = poolOut(layer, s, g)
	return s[0], s[1], s[2], s[3], oh, ow
}

// poolOut returns the height and width of the windows g over maps of
// shape s [N, C, H, W], and panics naming layer when none fits.
func poolOut(layer string, s []int, g tensor.ConvGeom) (oh, ow int) {
	oh, ow = g.OutSize(s[2], s[3])
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: %s: window %dx%d with %+v does not fit input %v", layer, g.KH, g.KW, g, s))
	}
	return oh, ow
}

// window converts a geometry to the form the kernels take.
func window(g tensor.ConvGeom) kernel.Window {
	return kernel.Window{KH: g.KH, KW: g.KW, StrideH: g.StrideH, StrideW: g.StrideW, PadH: g.PadH, PadW: g.PadW, DilationH: g.DilationH, DilationW: g.DilationW}
}
