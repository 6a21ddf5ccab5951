package tensor

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
)

// ConvGeom describes a 2-D sliding window: kernel size, stride, zero
// padding and dilation along height and width.
type ConvGeom struct {
	KH, KW               int
	StrideH, StrideW     int
	PadH, PadW           int
	DilationH, DilationW int
}

// OutSize returns the output height and width for an input of h by w.
func (c ConvGeom) OutSize(h, w int) (int, int) {
	oh := (h+2*c.PadH-c.dilH()*(c.KH-1)-1)/c.strideH() + 1
	ow := (w+2*c.PadW-c.dilW()*(c.KW-1)-1)/c.strideW() + 1
	return oh, ow
}

func (c ConvGeom) strideH() int { return max(c.StrideH, 1) }
func (c ConvGeom) strideW() int { return max(c.StrideW, 1) }
func (c ConvGeom) dilH() int    { return max(c.DilationH, 1) }
func (c ConvGeom) dilW() int    { return max(c.DilationW, 1) }

// Unfold extracts sliding windows (im2col): an input of shape [N, C, H, W]
// becomes [N, C*KH*KW, L] with L = OH*OW window positions, as PyTorch's
// nn.functional.unfold. Padding reads zeros.
func (t *Tensor) Unfold(g ConvGeom) *Tensor {
	if len(t.shape) != 4 {
		panic(fmt.Sprintf("tensor: Unfold: input shape %v, want [N, C, H, W]", t.shape))
	}
	n, c, h, w := t.shape[0], t.shape[1], t.shape[2], t.shape[3]
	oh, ow := g.OutSize(h, w)
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("tensor: Unfold: window %dx%d does not fit input %v", g.KH, g.KW, t.shape))
	}
	t.live("Unfold")
	out := empty([]int{n, c * g.KH * g.KW, oh * ow})
	kernel.Im2col(out.data, t.data, n, c, h, w, g.window())
	return recordLinear(out, "Unfold", []*Tensor{t}, func(gr *Tensor) []*Tensor { return []*Tensor{gr.Fold(g, h, w)} })
}

// Fold is the reverse of Unfold (col2im): it sums windows of shape
// [N, C*KH*KW, L] back into an image [N, C, H, W], adding where windows overlap.
func (t *Tensor) Fold(g ConvGeom, h, w int) *Tensor {
	if len(t.shape) != 3 || t.shape[1]%(g.KH*g.KW) != 0 {
		panic(fmt.Sprintf("tensor: Fold: input shape %v for a %dx%d window", t.shape, g.KH, g.KW))
	}
	n, c := t.shape[0], t.shape[1]/(g.KH*g.KW)
	oh, ow := g.OutSize(h, w)
	if t.shape[2] != oh*ow {
		panic(fmt.Sprintf("tensor: Fold: %d positions in %v, want %d for a %dx%d image", t.shape[2], t.shape, oh*ow, h, w))
	}
	t.live("Fold")
	out := zeros([]int{n, c, h, w})
	kernel.Col2im(out.data, t.data, n, c, h, w, g.window())
	return recordLinear(out, "Fold", []*Tensor{t}, func(gr *Tensor) []*Tensor { return []*Tensor{gr.Unfold(g)} })
}

// window returns the geometry in the form the im2col kernels take.
func (c ConvGeom) window() kernel.Window {
	return kernel.Window{KH: c.KH, KW: c.KW, StrideH: c.StrideH, StrideW: c.StrideW, PadH: c.PadH, PadW: c.PadW, DilationH: c.DilationH, DilationW: c.DilationW}
}
