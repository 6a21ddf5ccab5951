package nn

import (
	"fmt"
	"slices"

	"github.com/gibbsml/gibbs/tensor"
)

// LayerNorm normalises over the last axes of its input, those of
// Shape: y = (x - mean) / sqrt(var + Eps) * weight + bias, with the
// biased (population) variance, as PyTorch's nn.LayerNorm. Weight and
// Bias have shape Shape; both are nil without an elementwise affine map.
type LayerNorm struct {
	Weight, Bias *tensor.Tensor
	Shape        []int
	Eps          float32
}

// NewLayerNorm returns a LayerNorm over trailing axes of the given shape,
// with eps 1e-5, weight ones and bias zeros.
func NewLayerNorm(shape ...int) *LayerNorm {
	if len(shape) == 0 {
		panic("nn: LayerNorm: no normalised shape")
	}
	return &LayerNorm{
		Weight: tensor.Ones(shape...).SetRequiresGrad(true),
		Bias:   param(shape...),
		Shape:  append([]int(nil), shape...),
		Eps:    1e-5,
	}
}

// Params returns "weight" and "bias" when the layer has them.
func (l *LayerNorm) Params() []Param {
	if l.Weight == nil {
		return nil
	}
	return []Param{{"weight", l.Weight}, {"bias", l.Bias}}
}

// PerSample reports true: each sample is normalised over its own values.
func (l *LayerNorm) PerSample() bool { return true }

// Forward normalises x, of shape [..., Shape...].
func (l *LayerNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	return l.forward([]*tensor.Tensor{x})
}

// ForwardSum returns Forward(x.Add(y)) for x and y of the same shape, the
// residual connection of a post-norm transformer block, as one
// operation: the sum is normalised as it is formed, and the backward pass
// computes the one gradient that both summands receive.
func (l *LayerNorm) ForwardSum(x, y *tensor.Tensor) *tensor.Tensor {
	if !slices.Equal(x.Shape(), y.Shape()) {
		panic(fmt.Sprintf("nn: LayerNorm: summands of shapes %v and %v, want the same", x.Shape(), y.Shape()))
	}
	return l.forward([]*tensor.Tensor{x, y})
}

// forward normalises the sum of xs.
func (l *LayerNorm) forward(xs []*tensor.Tensor) *tensor.Tensor {
	x := xs[0]
	s := x.Shape()
	k := len(l.Shape)
	if len(s) < k || !slices.Equal(s[len(s)-k:], l.Shape) {
		panic(fmt.Sprintf("nn: LayerNorm: input shape %v, want [..., %v]", s, l.Shape))
	}
	axes := make([]int, k)
	for i := range axes {
		axes[i] = len(s) - k + i
	}
	d := 1
	for _, v := range l.Shape {
		d *= v
	}
	layout := normLayout{outer: 1, groups: x.Len() / max(d, 1), inner: d, perInner: true}
	y, _, _ := normalize("LayerNorm", xs, l.Weight, l.Bias, layout, l.Eps, storeAct{}, func() *tensor.Tensor {
		sum := x
		for _, v := range xs[1:] {
			sum = sum.Add(v)
		}
		y := standardize(sum, axes, l.Eps)
		if l.Weight != nil {
			y = y.Mul(l.Weight).Add(l.Bias)
		}
		return y
	})
	return y
}

// normalize returns (x - mean) / sqrt(variance + eps) * w + b, where x is
// the sum of xs (one tensor, or for LayerNorm two of the same shape), with
// the mean and the biased variance of each group of layout, w and b nil
// for no affine map, computed in one pass over the groups, and the batch
// statistics. With an activation act (BatchNorm's groups only; the zero
// storeAct for none), the result is act of that, applied as it is
// written.
// ref is the same map written with differentiable operations, which
// gradients of gradients go through.
func normalize(name string, xs []*tensor.Tensor, w, b *tensor.Tensor, layout normLayout, eps float32, act storeAct, ref func() *tensor.Tensor) (y *tensor.Tensor, mean, variance []float32) {
	x := xs[0]
	xd := x.Values()
	// aux holds the buffers the backward pass reads besides the inputs,
	// released with the graph: the sum, and LayerNorm's statistics.
	var aux []*tensor.Tensor
	sum := len(xs) > 1
	var terms [][]float32 // the summands, which LayerNorm's rows add into xd
	if sum {
		if !layout.perInner {
			panic(fmt.Sprintf("nn: %s: a sum of inputs is normalised by rows (LayerNorm) only", name))
		}
		st := tensor.Empty(x.Shape()...)
		xd = st.Values()
		terms = [][]float32{x.Values(), xs[1].Values()}
		aux = append(aux, st)
	}
	inputs := slices.Clone(xs)
	var wd, bd []float32
	if w != nil {
		wd, bd = w.Values(), b.Values()
		inputs = append(inputs, w, b)
	}
	out := tensor.Empty(x.Shape()...)
	var rs []float32
	if layout.perInner {
		g := layout.groups
		st := tensor.Empty(3, g)
		sd := st.Values()
		mean, variance, rs = sd[:g], sd[g:2*g], sd[2*g:]
		layerForward(out.Values(), xd, terms, wd, bd, mean, variance, rs, layout, eps)
		aux = append(aux, st)
	} else {
		mean, variance, rs = normForward(out.Values(), xd, wd, bd, layout, eps, act.apply)
	}
	y = fused(name, out, inputs, func(bp *tensor.Backprop) []*tensor.Tensor {
		g, through := bp.Grad, actOut{}
		if act.grad != nil {
			through = actOut{act.grad, out.Values()}
		}
		grads := []*tensor.Tensor{tensor.Empty(x.Shape()...)}
		var gw, gb []float32
		if w != nil {
			grads = append(grads, tensor.Zeros(w.Shape()...), tensor.Zeros(b.Shape()...))
			gw, gb = grads[1].Values(), grads[2].Values()
		}
		normBackward(grads[0].Values(), gw, gb, g.Values(), xd, mean, rs, wd, layout, through)
		if sum {
			// Both summands receive the gradient of their sum.
			grads = slices.Insert(grads, 1, grads[0])
		}
		return grads
	}, ref)
	y.Adopt(aux...)
	return y, mean, variance
}

// standardize returns (x - mean) / sqrt(variance + eps) with the mean and
// the biased variance over axes, written with differentiable operations.
func standardize(x *tensor.Tensor, axes []int, eps float32) *tensor.Tensor {
	d := x.Sub(x.MeanKeep(axes...))
	return d.Mul(d.Square().MeanKeep(axes...).AddScalar(eps).Pow(-0.5))
}

// BatchNorm normalises each channel (axis 1) over the batch and the other
// axes, as PyTorch's BatchNorm1d ([N, C] or [N, C, L]) and BatchNorm2d
// ([N, C, H, W]):
//
//	training:   y = (x - mean_B) / sqrt(var_B + Eps) * weight + bias
//	            running_mean = (1-Momentum)*running_mean + Momentum*mean_B
//	            running_var  = (1-Momentum)*running_var  + Momentum*var_B*n/(n-1)
//	evaluation: y = (x - running_mean) / sqrt(running_var + Eps) * weight + bias
//
// where mean_B and var_B are the batch mean and biased variance over the n
// values of each channel; the running variance takes the unbiased one.
// num_batches_tracked counts training batches; PyTorch stores it as int64,
// gibbs as a float32 scalar.
type BatchNorm struct {
	Weight, Bias            *tensor.Tensor // [C]; nil without an affine map
	RunningMean, RunningVar *tensor.Tensor // [C]
	NumBatchesTracked       *tensor.Tensor // 0-D
	Eps, Momentum           float32
	Training                bool
	name                    string
	ranks                   []int // accepted input ranks
}

// NewBatchNorm1d returns a BatchNorm over c channels of inputs [N, C] or
// [N, C, L], in training mode, with eps 1e-5, momentum 0.1, weight ones,
// bias zeros, running mean zeros and running variance ones.
func NewBatchNorm1d(c int) *BatchNorm { return newBatchNorm("BatchNorm1d", c, 2, 3) }

// NewBatchNorm2d returns a BatchNorm over c channels of inputs [N, C, H, W],
// set up as NewBatchNorm1d's.
func NewBatchNorm2d(c int) *BatchNorm { return newBatchNorm("BatchNorm2d", c, 4) }

func newBatchNorm(name string, c int, ranks ...int) *BatchNorm {
	if c <= 0 {
		panic(fmt.Sprintf("nn: %s: invalid channel count %d", name, c))
	}
	return &BatchNorm{
		Weight:            tensor.Ones(c).SetRequiresGrad(true),
		Bias:              param(c),
		RunningMean:       tensor.Zeros(c),
		RunningVar:        tensor.Ones(c),
		NumBatchesTracked: tensor.Scalar(0),
		Eps:               1e-5,
		Momentum:          0.1,
		Training:          true,
		name:              name,
		ranks:             ranks,
	}
}

// Params returns "weight" and "bias" when the layer has them.
func (b *BatchNorm) Params() []Param {
	if b.Weight == nil {
		return nil
	}
	return []Param{{"weight", b.Weight}, {"bias", b.Bias}}
}

// Buffers returns "running_mean", "running_var" and "num_batches_tracked".
func (b *BatchNorm) Buffers() []Param {
	return []Param{{"running_mean", b.RunningMean}, {"running_var", b.RunningVar}, {"num_batches_tracked", b.NumBatchesTracked}}
}

// SetTraining switches between batch statistics (and updating the running
// ones) and the running statistics.
func (b *BatchNorm) SetTraining(on bool) { b.Training = on }

// PerSample reports whether the layer evaluates (not training): in
// training it normalises with the statistics of the whole batch.
func (b *BatchNorm) PerSample() bool { return !b.Training }

// Forward normalises x per channel.
func (b *BatchNorm) Forward(x *tensor.Tensor) *tensor.Tensor { return b.forward(x, nil, storeAct{}) }

// forwardAct returns act(b.Forward(x)) as one operation that applies act
// to each run of a channel's values as it is written, and whose backward
// pass takes act's derivative run by run as it reads them, or nil when
// act is not an activation it can apply so (those of storeActivation) or
// b is evaluating. Values and gradients are those of Forward followed by
// act.
func (b *BatchNorm) forwardAct(x *tensor.Tensor, act *Func) *tensor.Tensor {
	sa, ok := storeActivation(act)
	if !ok || !b.Training {
		return nil
	}
	return b.forward(x, act, sa)
}

// forward is Forward followed by act, applied as sa, when act is not nil.
func (b *BatchNorm) forward(x *tensor.Tensor, act *Func, sa storeAct) *tensor.Tensor {
	s := x.Shape()
	c := b.RunningMean.Len()
	okRank := false
	for _, r := range b.ranks {
		okRank = okRank || len(s) == r
	}
	if !okRank || s[1] != c {
		panic(fmt.Sprintf("nn: %s: input shape %v, want rank %v with %d channels on axis 1", b.name, s, b.ranks, c))
	}
	// Statistics are taken over every axis but 1; chanShape views a [C]
	// tensor so that it broadcasts along axis 1 of x.
	axes := []int{0}
	chanShape := make([]int, len(s))
	for i := range chanShape {
		chanShape[i] = 1
		if i >= 2 {
			axes = append(axes, i)
		}
	}
	chanShape[1] = c
	affine := func(y *tensor.Tensor) *tensor.Tensor {
		if b.Weight == nil {
			return y
		}
		return y.Mul(b.Weight.Reshape(chanShape...)).Add(b.Bias.Reshape(chanShape...))
	}
	if !b.Training {
		return affine(x.Sub(b.RunningMean.Reshape(chanShape...)).Mul(b.RunningVar.Reshape(chanShape...).AddScalar(b.Eps).Pow(-0.5)))
	}
	n := x.Len() / c
	if n <= 1 {
		panic(fmt.Sprintf("nn: %s: input shape %v has one value per channel; training needs more", b.name, s))
	}
	layout := normLayout{outer: s[0], groups: c, inner: n / s[0]}
	name := b.name
	if act != nil {
		name += "+" + act.Name
	}
	y, mean, variance := normalize(name, []*tensor.Tensor{x}, b.Weight, b.Bias, layout, b.Eps, sa, func() *tensor.Tensor {
		y := affine(standardize(x, axes, b.Eps))
		if act != nil {
			y = act.Forward(y)
		}
		return y
	})
	b.track(mean, variance, float32(n)/float32(n-1))
	return y
}

// track moves the running statistics towards the batch's.
func (b *BatchNorm) track(mean, variance []float32, unbias float32) {
	m := b.Momentum
	rm, rv := b.RunningMean.Data(), b.RunningVar.Data()
	for i := range rm {
		rm[i] = (1-m)*rm[i] + m*mean[i]
		rv[i] = (1-m)*rv[i] + m*variance[i]*unbias
	}
	b.NumBatchesTracked.Data()[0]++
}
