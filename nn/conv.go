package nn

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// ConvSpec sets up a square convolution. Its zero value beyond Kernel is
// PyTorch's default: stride 1, no padding, no dilation, with a bias.
type ConvSpec struct {
	Kernel        int  // side of the square kernel, > 0
	Stride        int  // 0 means 1
	Padding       int  // zeros added on each side of the input
	Dilation      int  // spacing of the kernel taps; 0 means 1
	OutputPadding int  // ConvTranspose2d only: extra rows and columns at the bottom and right of the output
	NoBias        bool // leave out the bias
}

func (s ConvSpec) geom() tensor.ConvGeom {
	return tensor.ConvGeom{
		KH: s.Kernel, KW: s.Kernel,
		StrideH: max(s.Stride, 1), StrideW: max(s.Stride, 1),
		PadH: s.Padding, PadW: s.Padding,
		DilationH: max(s.Dilation, 1), DilationW: max(s.Dilation, 1),
	}
}

// newConvParams makes a conv weight of the given shape and an optional bias
// of size nb, initialised as PyTorch's _ConvNd.reset_parameters does:
// KaimingUniform with a = sqrt(5) for the weight, and a bias uniform in
// [-1/sqrt(fan_in), 1/sqrt(fan_in)].
func newConvParams(rng *tensor.RNG, layer string, shape []int, nb int, spec ConvSpec) (w, b *tensor.Tensor) {
	if spec.Kernel <= 0 || spec.Stride < 0 || spec.Padding < 0 || spec.Dilation < 0 || spec.OutputPadding < 0 {
		panic(fmt.Sprintf("nn: %s: invalid spec %+v", layer, spec))
	}
	for _, d := range shape[:2] {
		if d <= 0 {
			panic(fmt.Sprintf("nn: %s: invalid channel counts in weight shape %v", layer, shape))
		}
	}
	w = KaimingUniform(rng, tensor.Zeros(shape...), math.Sqrt(5), FanIn, "leaky_relu").SetRequiresGrad(true)
	if !spec.NoBias {
		fanIn, _ := Fans(shape)
		bound := 1 / math.Sqrt(float64(fanIn))
		b = Uniform(rng, tensor.Zeros(nb), -bound, bound).SetRequiresGrad(true)
	}
	return w, b
}

// convParams lists "weight" and, when present, "bias".
func convParams(w, b *tensor.Tensor) []Param {
	ps := []Param{{"weight", w}}
	if b != nil {
		ps = append(ps, Param{"bias", b})
	}
	return ps
}

// checkImage panics unless x is [N, c, H, W].
func checkImage(layer string, x *tensor.Tensor, c int) []int {
	s := x.Shape()
	if len(s) != 4 || s[1] != c {
		panic(fmt.Sprintf("nn: %s: input shape %v, want [N, %d, H, W]", layer, s, c))
	}
	return s
}

// Conv2d is a 2-D cross-correlation over inputs [N, in, H, W], with weight
// [out, in, KH, KW] and bias [out] as in PyTorch. It is computed as
// matrix products with the unfolded input (im2col), a chunk of images at a
// time (see kernel.Conv).
type Conv2d struct {
	Weight, Bias *tensor.Tensor  // Bias is nil without a bias
	Geom         tensor.ConvGeom // stride, padding, dilation; the kernel size follows Weight
}

// NewConv2d returns a Conv2d from in to out channels, initialised like PyTorch's.
func NewConv2d(rng *tensor.RNG, in, out int, spec ConvSpec) *Conv2d {
	w, b := newConvParams(rng, "Conv2d", []int{out, in, spec.Kernel, spec.Kernel}, out, spec)
	return &Conv2d{Weight: w, Bias: b, Geom: spec.geom()}
}

// Params returns "weight" and, when present, "bias".
func (c *Conv2d) Params() []Param { return convParams(c.Weight, c.Bias) }

// PerSample reports true: each image is convolved alone.
func (c *Conv2d) PerSample() bool { return true }

// Forward returns the convolution of x, of shape [N, out, OH, OW].
func (c *Conv2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	op, _, _ := c.op(x)
	return op.forward(x, c.Weight, c.Bias)
}

// op checks that x fits the layer and returns the shape of its
// convolution and the height and width of its maps.
func (c *Conv2d) op(x *tensor.Tensor) (convOp, int, int) {
	ws := c.Weight.Shape()
	s := checkImage("Conv2d", x, ws[1])
	g := c.Geom
	g.KH, g.KW = ws[2], ws[3]
	oh, ow := g.OutSize(s[2], s[3])
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: Conv2d: kernel %dx%d with %+v does not fit input %v", g.KH, g.KW, g, s))
	}
	return convOp{kernel.Conv{N: s[0], C: s[1], H: s[2], W: s[3], O: ws[0], Win: window(g)}}, oh, ow
}

// forwardMaxPool returns p.Forward(c.Forward(x)), through ReLU when relu
// is set, without storing the convolution's maps: each chunk of images
// is pooled while its maps are in cache, and its pooled maps taken
// through ReLU while they are (kernel.Conv.ForwardMaxPool,
// ForwardMaxPoolReLU). Its first derivatives are those of the layers,
// the maps' gradient scattered a chunk at a time where the weight's is
// wanted (kernel.Conv.BackwardMaxPool, BackwardMaxPoolReLU) and stored
// otherwise; a recorded pass differentiates the layers one after the
// other.
func (c *Conv2d) forwardMaxPool(x *tensor.Tensor, p *MaxPool2d, relu bool) *tensor.Tensor {
	op, oh, ow := c.op(x)
	ph, pw := poolOut("MaxPool2d", []int{op.N, op.O, oh, ow}, p.Geom)
	planes := op.N * op.O
	out, idx := tensor.Empty(op.N, op.O, ph, pw), tensor.Empty(planes, ph*pw)
	inputs, bd := convInputs(x, c.Weight, c.Bias)
	win := window(p.Geom)
	name, forward, backward := "Conv2d+MaxPool2d", op.ForwardMaxPool, op.BackwardMaxPool
	if relu {
		name, forward = "Conv2d+MaxPool2d+ReLU", op.ForwardMaxPoolReLU
		backward = func(dx, dw, db, x, gm, idx, wt []float32, pool kernel.Window) bool {
			return op.BackwardMaxPoolReLU(dx, dw, db, x, gm, out.Values(), idx, wt, pool)
		}
	}
	forward(out.Values(), idx.Values(), x.Values(), c.Weight.Values(), bd, win)
	return fused(name, out, inputs, func(b *tensor.Backprop) []*tensor.Tensor {
		// The bias's gradient sums the maps' as biasGrad does where it
		// sums each plane apart (without a bias, any shape).
		if b.Needs(1) && (len(b.In) == 2 || op.O > 1 && oh*ow > 1) {
			grads := make([]*tensor.Tensor, len(b.In))
			grads[1] = tensor.Empty(b.In[1].Shape()...)
			var dx, db []float32
			if b.Needs(0) {
				grads[0] = tensor.Empty(b.In[0].Shape()...)
				dx = grads[0].Values()
			}
			if len(b.In) > 2 && b.Needs(2) {
				grads[2] = tensor.Empty(op.O)
				db = grads[2].Values()
			}
			if !backward(dx, grads[1].Values(), db, b.In[0].Values(), b.Grad.Values(), idx.Values(), b.In[1].Values(), win) {
				panic("nn: MaxPool2d: a saved position lies outside its plane")
			}
			return grads
		}
		// The maps' gradient is needed only while the rule runs.
		gm := b.Grad
		if relu {
			gm = tensor.Empty(b.Grad.Shape()...)
			defer gm.Recycle()
			kernel.ReLUGrad(gm.Values(), b.Grad.Values(), out.Values())
		}
		g := tensor.Empty(op.N, op.O, oh, ow)
		if !kernel.ScatterSum(g.Values(), gm.Values(), idx.Values(), planes, ph*pw, oh*ow, 1) {
			panic("nn: MaxPool2d: a saved position lies outside its plane")
		}
		grads := op.grads(b, g)
		g.Recycle()
		return grads
	}, func() *tensor.Tensor {
		y := p.Forward(c.Forward(x))
		if relu {
			y = y.ReLU()
		}
		return y
	}).Adopt(idx)
}

// ConvTranspose2d is the transpose (gradient) of a Conv2d with the same
// geometry, mapping [N, in, H, W] to [N, out, OH, OW] with
// OH = (H-1)*stride - 2*padding + dilation*(KH-1) + output_padding + 1.
// Its weight is [in, out, KH, KW] as in PyTorch. It is computed as the
// input gradient of that Conv2d: matrix products followed by col2im.
type ConvTranspose2d struct {
	Weight, Bias     *tensor.Tensor  // Bias is nil without a bias
	Geom             tensor.ConvGeom // stride, padding, dilation; the kernel size follows Weight
	OutPadH, OutPadW int             // output padding, each below the stride
}

// NewConvTranspose2d returns a ConvTranspose2d from in to out channels,
// initialised like PyTorch's.
func NewConvTranspose2d(rng *tensor.RNG, in, out int, spec ConvSpec) *ConvTranspose2d {
	w, b := newConvParams(rng, "ConvTranspose2d", []int{in, out, spec.Kernel, spec.Kernel}, out, spec)
	return &ConvTranspose2d{Weight: w, Bias: b, Geom: spec.geom(), OutPadH: spec.OutputPadding, OutPadW: spec.OutputPadding}
}

// Params returns "weight" and, when present, "bias".
func (c *ConvTranspose2d) Params() []Param { return convParams(c.Weight, c.Bias) }

// PerSample reports true: each image is convolved alone.
func (c *ConvTranspose2d) PerSample() bool { return true }

// Forward returns the transposed convolution of x.
func (c *ConvTranspose2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	ws := c.Weight.Shape()
	s := checkImage("ConvTranspose2d", x, ws[0])
	g := c.Geom
	g.KH, g.KW = ws[2], ws[3]
	sh, sw := max(g.StrideH, 1), max(g.StrideW, 1)
	if c.OutPadH < 0 || c.OutPadW < 0 || c.OutPadH >= sh || c.OutPadW >= sw {
		panic(fmt.Sprintf("nn: ConvTranspose2d: output padding %dx%d must be below the stride %dx%d", c.OutPadH, c.OutPadW, sh, sw))
	}
	oh := (s[2]-1)*sh - 2*g.PadH + max(g.DilationH, 1)*(g.KH-1) + c.OutPadH + 1
	ow := (s[3]-1)*sw - 2*g.PadW + max(g.DilationW, 1)*(g.KW-1) + c.OutPadW + 1
	if oh <= 0 || ow <= 0 {
		panic(fmt.Sprintf("nn: ConvTranspose2d: input %v with kernel %dx%d and %+v gives output %dx%d", s, g.KH, g.KW, g, oh, ow))
	}
	op := convOp{kernel.Conv{N: s[0], C: ws[1], H: oh, W: ow, O: ws[0], Win: window(g)}}
	return op.transpose(x, c.Weight, c.Bias)
}

// biasGradMinWork is the size of g from which biasGrad splits the
// channels across threads.
const biasGradMinWork = 1 << 15

// biasGrad returns g [N, m, n] summed over its first and last axes, the
// gradient of a bias added to every column. A first derivative with
// several channels and positions sums the channels on separate threads,
// in the order g.Sum(0, 2) does there (each run of n values by
// kernel.Sum, the runs added in float64), so with the same result; in a
// recorded pass, or with a single channel or position, it is that Sum.
func biasGrad(g *tensor.Tensor, recorded bool) *tensor.Tensor {
	s := g.Shape()
	nb, m, n := s[0], s[1], s[2]
	if recorded || m == 1 || n == 1 {
		return g.Sum(0, 2)
	}
	out := tensor.Empty(m)
	od, gd := out.Values(), g.Values()
	sum := func(lo, hi int) {
		for c := lo; c < hi; c++ {
			var t float64
			for i := 0; i < nb; i++ {
				t += float64(kernel.Sum(gd[(i*m+c)*n : (i*m+c+1)*n]))
			}
			od[c] = float32(t)
		}
	}
	if nb*m*n < biasGradMinWork {
		sum(0, m)
	} else {
		kernel.Parallel(m, sum)
	}
	return out
}
