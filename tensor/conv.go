package tensor

import "fmt"

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
	out := Zeros(n, c*g.KH*g.KW, oh*ow)
	walkWindows(g, n, c, h, w, oh, ow, func(src, dst int) { out.data[dst] = t.data[src] })
	return record(out, "Unfold", []*Tensor{t}, func(gr *Tensor) []*Tensor { return []*Tensor{gr.Fold(g, h, w)} })
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
	out := Zeros(n, c, h, w)
	walkWindows(g, n, c, h, w, oh, ow, func(dst, src int) { out.data[dst] += t.data[src] })
	return record(out, "Fold", []*Tensor{t}, func(gr *Tensor) []*Tensor { return []*Tensor{gr.Unfold(g)} })
}

// walkWindows calls fn(imageOffset, columnOffset) for every in-bounds tap of
// every window.
func walkWindows(g ConvGeom, n, c, h, w, oh, ow int, fn func(img, col int)) {
	l := oh * ow
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			for ki := 0; ki < g.KH; ki++ {
				for kj := 0; kj < g.KW; kj++ {
					row := ((b*c+ch)*g.KH+ki)*g.KW + kj
					for y := 0; y < oh; y++ {
						iy := y*g.strideH() - g.PadH + ki*g.dilH()
						if iy < 0 || iy >= h {
							continue
						}
						for x := 0; x < ow; x++ {
							ix := x*g.strideW() - g.PadW + kj*g.dilW()
							if ix < 0 || ix >= w {
								continue
							}
							fn(((b*c+ch)*h+iy)*w+ix, row*l+y*ow+x)
						}
					}
				}
			}
		}
	}
}
