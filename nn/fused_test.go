package nn_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// TestFusedBackwardPaths checks that the dedicated first-derivative loops
// of the fused layers and losses agree with their differentiable
// reference, which a recorded backward pass (GradGraph) goes through.
func TestFusedBackwardPaths(t *testing.T) {
	noAffine := nn.NewLayerNorm(3, 4)
	noAffine.Weight, noAffine.Bias = nil, nil
	affine := func(l interface{ Params() []nn.Param }) {
		for i, p := range l.Params() {
			p.Tensor.CopyFrom(randn(uint64(40+i), 0.5, p.Tensor.Shape()...).AddScalar(1))
		}
	}
	ln, bn1, bn3, bn2 := nn.NewLayerNorm(6), nn.NewBatchNorm1d(5), nn.NewBatchNorm1d(3), nn.NewBatchNorm2d(4)
	// bnMaps has runs of 49 values, whole vector steps and tails.
	bnMaps, bnMapsPlain := nn.NewBatchNorm2d(3), nn.NewBatchNorm2d(3)
	bnMapsPlain.Weight, bnMapsPlain.Bias = nil, nil
	// bnWide is large enough for its loops to split across threads.
	bnWide, bnPlain := nn.NewBatchNorm1d(600), nn.NewBatchNorm1d(5)
	bnPlain.Weight, bnPlain.Bias = nil, nil
	for _, l := range []interface{ Params() []nn.Param }{ln, bn1, bn3, bn2, bnWide, bnMaps} {
		affine(l)
	}
	soft := tensor.Rand(tensor.NewRNG(45), 3, 4).SetRequiresGrad(true)
	// wide spans several of the chunks the losses work in.
	wide := tensor.Rand(tensor.NewRNG(46), 3, 700).SetRequiresGrad(true)
	bceOn := func(target *tensor.Tensor, r nn.Reduction) func(x *tensor.Tensor) *tensor.Tensor {
		return func(x *tensor.Tensor) *tensor.Tensor { return nn.BCELoss(x.Sigmoid(), target, r) }
	}
	mha := nn.NewMultiHeadAttention(tensor.NewRNG(47), 8, 2, 0, true)
	affine(mha)
	bce := func(r nn.Reduction) func(x *tensor.Tensor) *tensor.Tensor { return bceOn(soft, r) }
	logits := func(r nn.Reduction) func(x *tensor.Tensor) *tensor.Tensor {
		return func(x *tensor.Tensor) *tensor.Tensor { return nn.BCEWithLogitsLoss(x, soft, r) }
	}
	summand := randn(48, 1, 2, 5, 6).SetRequiresGrad(true)
	memory := randn(49, 1, 3, 7, 8).SetRequiresGrad(true)
	classes := tensor.New([]float32{3, 0, 1, 3, 2}, 5)
	// The per-sample losses as a column, so that they broadcast against
	// the [5, 4] weights of the check.
	ce := func(r nn.Reduction) func(x *tensor.Tensor) *tensor.Tensor {
		return func(x *tensor.Tensor) *tensor.Tensor { return nn.CrossEntropyLoss(x, classes, r).Reshape(-1, 1) }
	}
	convSiLU := nn.NewSequential(nn.NewConv2d(tensor.NewRNG(51), 1, 8, nn.ConvSpec{Kernel: 3, Stride: 2, Padding: 1}), nn.SiLU())
	convR := randn(52, 1, 2, 8, 5, 6)
	cases := []struct {
		name  string
		f     func(x *tensor.Tensor) *tensor.Tensor
		shape []int
		wrt   []*tensor.Tensor // besides x
	}{
		{"SiLU", (*tensor.Tensor).SiLU, []int{3, 50}, nil},
		// Weighted by convR, summed, and broadcast to the input's shape.
		{"Conv2d+SiLU", func(x *tensor.Tensor) *tensor.Tensor { return convSiLU.Forward(x).Mul(convR).Sum() }, []int{2, 1, 9, 11}, nn.Tensors(convSiLU)},
		{"LayerNorm", ln.Forward, []int{2, 5, 6}, nn.Tensors(ln)},
		{"LayerNorm of a sum", func(x *tensor.Tensor) *tensor.Tensor { return ln.ForwardSum(x, summand) }, []int{2, 5, 6}, append(nn.Tensors(ln), summand)},
		{"LayerNorm without affine map", noAffine.Forward, []int{4, 3, 4}, nil},
		{"BatchNorm1d", bn1.Forward, []int{7, 5}, nn.Tensors(bn1)},
		{"BatchNorm1d without affine map", bnPlain.Forward, []int{7, 5}, nil},
		{"BatchNorm1d, wide", bnWide.Forward, []int{60, 600}, nn.Tensors(bnWide)},
		{"BatchNorm1d 3-D", bn3.Forward, []int{4, 3, 6}, nn.Tensors(bn3)},
		{"BatchNorm2d", bn2.Forward, []int{3, 4, 5, 2}, nn.Tensors(bn2)},
		{"BatchNorm2d, 7x7 maps", bnMaps.Forward, []int{4, 3, 7, 7}, nn.Tensors(bnMaps)},
		{"BatchNorm2d, 7x7 maps without affine map", bnMapsPlain.Forward, []int{4, 3, 7, 7}, nil},
		{"BCELoss mean", bce(nn.ReduceMean), []int{3, 4}, []*tensor.Tensor{soft}},
		{"BCELoss sum", bce(nn.ReduceSum), []int{3, 4}, []*tensor.Tensor{soft}},
		{"BCELoss none", bce(nn.ReduceNone), []int{3, 4}, []*tensor.Tensor{soft}},
		{"BCELoss mean, wide", bceOn(wide, nn.ReduceMean), []int{3, 700}, []*tensor.Tensor{wide}},
		{"BCELoss none, wide", bceOn(wide, nn.ReduceNone), []int{3, 700}, []*tensor.Tensor{wide}},
		{"BCEWithLogitsLoss mean", logits(nn.ReduceMean), []int{3, 4}, []*tensor.Tensor{soft}},
		{"BCEWithLogitsLoss none", logits(nn.ReduceNone), []int{3, 4}, []*tensor.Tensor{soft}},
		{"CrossEntropyLoss mean", ce(nn.ReduceMean), []int{5, 4}, nil},
		{"CrossEntropyLoss sum", ce(nn.ReduceSum), []int{5, 4}, nil},
		{"CrossEntropyLoss none", ce(nn.ReduceNone), []int{5, 4}, nil},
		{"MultiHeadAttention self-attention", mha.Forward, []int{3, 5, 8}, nn.Tensors(mha)},
		{"MultiHeadAttention attention to a memory", func(x *tensor.Tensor) *tensor.Tensor {
			out, _ := mha.Attend(x, memory, memory, nn.AttentionMask{Causal: true}, false)
			return out
		}, []int{3, 5, 8}, append(nn.Tensors(mha), memory)},
		{"MultiHeadAttention causal self-attention", func(x *tensor.Tensor) *tensor.Tensor {
			out, _ := mha.Attend(x, x, x, nn.AttentionMask{Causal: true}, false)
			return out
		}, []int{3, 5, 8}, nn.Tensors(mha)},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := randn(uint64(50+i), 2, c.shape...).AddScalar(0.7).SetRequiresGrad(true)
			r := randn(uint64(60+i), 1, c.shape...)
			loss := func() *tensor.Tensor { return c.f(x).Mul(r).Sum() }
			wrt := append([]*tensor.Tensor{x}, c.wrt...)
			fast := tensor.Grad(loss(), wrt...)
			ref := tensor.GradGraph(loss(), wrt...)
			for j := range wrt {
				a, b := fast[j].Data(), ref[j].Data()
				for k := range a {
					if math.Abs(float64(a[k]-b[k])) > 1e-4*(1+math.Abs(float64(b[k]))) {
						t.Fatalf("gradient %d, value %d: dedicated loop %v, reference %v", j, k, a[k], b[k])
					}
				}
			}
		})
	}
}

// The weight and bias gradients of the norm layers sum over the batch
// without losing digits: with an output gradient of 0.1 everywhere, the
// bias gradient of a 60000-row batch is 6000 and the weight gradient the
// sum of 0.1 xhat, both to float32 precision (one float32 accumulator was
// 1e-3 off the first).
func TestNormGradLongBatch(t *testing.T) {
	const rows, feats = 60000, 4
	x := randn(7, 1, rows, feats)
	xs := x.Values()
	// xhat in float64, normalised along rows (LayerNorm) or columns
	// (BatchNorm1d).
	xhat := func(perRow bool) []float64 {
		out := make([]float64, len(xs))
		groups, n, at := feats, rows, func(grp, k int) int { return k*feats + grp }
		if perRow {
			groups, n, at = rows, feats, func(grp, k int) int { return grp*feats + k }
		}
		for grp := range groups {
			var m, v float64
			for k := range n {
				m += float64(xs[at(grp, k)]) / float64(n)
			}
			for k := range n {
				d := float64(xs[at(grp, k)]) - m
				v += d * d / float64(n)
			}
			for k := range n {
				out[at(grp, k)] = (float64(xs[at(grp, k)]) - m) / math.Sqrt(v+1e-5)
			}
		}
		return out
	}
	ln, bn := nn.NewLayerNorm(feats), nn.NewBatchNorm1d(feats)
	for _, c := range []struct {
		name   string
		layer  interface{ Params() []nn.Param }
		f      func(*tensor.Tensor) *tensor.Tensor
		perRow bool
	}{
		{"LayerNorm", ln, ln.Forward, true},
		{"BatchNorm1d", bn, bn.Forward, false},
	} {
		ps := c.layer.Params()
		g := tensor.Grad(c.f(x).Mul(tensor.Full(0.1, rows, feats)).Sum(), ps[0].Tensor, ps[1].Tensor)
		tenth := float64(float32(0.1))
		xh := xhat(c.perRow)
		for i := range feats {
			var want, abs float64
			for r := range rows {
				want += tenth * xh[r*feats+i]
				abs += math.Abs(tenth * xh[r*feats+i])
			}
			if err := math.Abs(float64(g[0].Values()[i])-want) / abs; err > 1e-6 {
				t.Errorf("%s weight gradient %d = %v, want %v", c.name, i, g[0].Values()[i], want)
			}
			if err := math.Abs(float64(g[1].Values()[i])-rows*tenth) / (rows * tenth); err > 4e-7 {
				t.Errorf("%s bias gradient %d: relative error %.2g", c.name, i, err)
			}
		}
	}
}

// A Linear layer and the activation after it in a Sequential run as one
// operation (the activation applied by the product's store): its values
// and first derivatives must be those of the two layers one after the
// other, bit for bit, on one thread and more, and its second derivatives
// those of the reference.
func TestSequentialLinearActivation(t *testing.T) {
	defer kernel.SetThreads(0)
	for _, act := range []*nn.Func{nn.ReLU(), nn.LeakyReLU(0.2), nn.LeakyReLU(-0.5), nn.Tanh(), nn.Sigmoid(), nn.SiLU()} {
		for _, threads := range []int{1, 2, 3} {
			for _, bias := range []bool{true, false} {
				kernel.SetThreads(threads)
				lin := nn.NewLinear(tensor.NewRNG(70), 300, 70, bias)
				seq := nn.NewSequential(lin, act)
				// 500 rows of 70 outputs: enough for the bias gradient's
				// columns to split across threads.
				x := randn(71, 1, 2, 250, 300).SetRequiresGrad(true)
				r := randn(72, 1, 2, 250, 70)
				wrt := append([]*tensor.Tensor{x}, nn.Tensors(lin)...)
				fused := seq.Forward(x)
				plain := act.Forward(lin.Forward(x))
				name := fmt.Sprintf("%s/threads=%d/bias=%v", act.Name, threads, bias)
				sameValues(t, name+" values", fused, plain)
				gf := tensor.Grad(fused.Mul(r).Sum(), wrt...)
				gp := tensor.Grad(plain.Mul(r).Sum(), wrt...)
				for i := range wrt {
					sameValues(t, fmt.Sprintf("%s gradient %d", name, i), gf[i], gp[i])
				}
			}
		}
	}
}

// A Linear layer run on two batches, and an input fed to two layers,
// take their gradients' second term straight into the first (the
// product adds into the gradient the pass has gathered): the gradients
// must be those of each use taken alone and added, bit for bit, on one
// thread and more, whether the pass returns them or adds them to the
// parameters, fused with an activation or not.
func TestLinearGradientsGathered(t *testing.T) {
	defer kernel.SetThreads(0)
	for _, act := range []*nn.Func{nn.ReLU(), nn.Identity()} {
		for _, threads := range []int{1, 2, 3} {
			kernel.SetThreads(threads)
			lin := nn.NewLinear(tensor.NewRNG(80), 300, 70, true)
			other := nn.NewLinear(tensor.NewRNG(81), 300, 40, false)
			seq := nn.NewSequential(lin, act)
			a := randn(82, 1, 250, 300).SetRequiresGrad(true)
			b := randn(83, 1, 250, 300)
			r1, r2, r3 := randn(84, 1, 250, 70), randn(85, 1, 250, 70), randn(86, 1, 250, 40)
			uses := []func() *tensor.Tensor{
				func() *tensor.Tensor { return seq.Forward(a).Mul(r1).Sum() },
				func() *tensor.Tensor { return seq.Forward(b).Mul(r2).Sum() },
				func() *tensor.Tensor { return other.Forward(a).Mul(r3).Sum() },
			}
			wrt := append([]*tensor.Tensor{a}, append(nn.Tensors(lin), nn.Tensors(other)...)...)
			// a's uses are the first and third, the weights' the first two.
			want := make([]*tensor.Tensor, len(wrt))
			for i, x := range wrt {
				var gs []*tensor.Tensor
				for _, use := range uses {
					if g := tensor.Grad(use(), x)[0]; g.Abs().Sum().Item() != 0 {
						gs = append(gs, g)
					}
				}
				want[i] = gs[0]
				if len(gs) > 1 {
					want[i] = gs[0].Add(gs[1])
				}
			}
			name := fmt.Sprintf("%s/threads=%d", act.Name, threads)
			loss := uses[0]().Add(uses[1]()).Add(uses[2]())
			got := tensor.Grad(loss, wrt...)
			for i := range wrt {
				sameValues(t, fmt.Sprintf("%s gradient %d", name, i), got[i], want[i])
			}
			for _, x := range wrt {
				x.ZeroGrad()
			}
			uses[0]().Add(uses[1]()).Add(uses[2]()).Backward()
			for i, x := range wrt {
				sameValues(t, fmt.Sprintf("%s accumulated gradient %d", name, i), x.Grad(), want[i])
			}
		}
	}
}

// A Linear layer fused with its activation writes the activation's
// gradient over the gradient of its output where the pass owns that
// alone (for inputs of three axes, a view of the Reshape's gradient):
// the gradients of two such layers in a row must be those of the layers
// one after the other, bit for bit, whether or not the pass also returns
// the gradient of the output between them (which must then be left as it
// is).
func TestLinearActivationGradFree(t *testing.T) {
	defer kernel.SetThreads(0)
	for _, shape := range [][]int{{64}, {4, 16}} {
		for _, threads := range []int{1, 3} {
			kernel.SetThreads(threads)
			l1, l2 := nn.NewLinear(tensor.NewRNG(90), 50, 40, true), nn.NewLinear(tensor.NewRNG(91), 40, 30, true)
			fused1, fused2 := nn.NewSequential(l1, nn.Tanh()), nn.NewSequential(l2, nn.ReLU())
			x, r := randn(92, 1, append(shape, 50)...), randn(93, 1, append(shape, 30)...)
			h := fused1.Forward(x)
			hp := nn.Tanh().Forward(l1.Forward(x))
			for _, withH := range []bool{false, true} {
				wrt, wrtp := nn.Tensors(l1), nn.Tensors(l1)
				if withH {
					wrt, wrtp = append(wrt, h), append(wrtp, hp)
				}
				got := tensor.Grad(fused2.Forward(h).Mul(r).Sum(), wrt...)
				want := tensor.Grad(nn.ReLU().Forward(l2.Forward(hp)).Mul(r).Sum(), wrtp...)
				for i := range want {
					sameValues(t, fmt.Sprintf("shape %v/threads=%d/with h=%v gradient %d", shape, threads, withH, i), got[i], want[i])
				}
			}
		}
	}
}

// A Conv2d and the activation after it in a Sequential run as one
// operation (the activation applied to each image's maps as they are
// written, SiLU's derivative kept): its values and first derivatives must
// be those of the two layers one after the other, bit for bit, on one
// thread and more, through the general products and through those of
// windows of nine values.
func TestSequentialConvActivation(t *testing.T) {
	defer kernel.SetThreads(0)
	convs := []struct {
		in, out int
		spec    nn.ConvSpec
		shape   []int
	}{
		{3, 5, nn.ConvSpec{Kernel: 3, Stride: 2, Padding: 1}, []int{4, 3, 10, 9}},
		{1, 16, nn.ConvSpec{Kernel: 3, Stride: 2, Padding: 1}, []int{3, 1, 28, 28}},
		{1, 8, nn.ConvSpec{Kernel: 3, NoBias: true}, []int{5, 1, 13, 12}},
	}
	for _, act := range []*nn.Func{nn.ReLU(), nn.LeakyReLU(0.2), nn.LeakyReLU(-0.5), nn.Tanh(), nn.Sigmoid(), nn.SiLU(), nn.GELU()} {
		for _, threads := range []int{1, 2, 3} {
			for i, c := range convs {
				kernel.SetThreads(threads)
				conv := nn.NewConv2d(tensor.NewRNG(uint64(73+i)), c.in, c.out, c.spec)
				seq := nn.NewSequential(conv, act)
				x := randn(74, 1, c.shape...).SetRequiresGrad(true)
				wrt := append([]*tensor.Tensor{x}, nn.Tensors(conv)...)
				fused := seq.Forward(x)
				plain := act.Forward(conv.Forward(x))
				name := fmt.Sprintf("%s/threads=%d/conv %d", act.Name, threads, i)
				sameValues(t, name+" values", fused, plain)
				r := randn(75, 1, plain.Shape()...)
				gf := tensor.Grad(fused.Mul(r).Sum(), wrt...)
				gp := tensor.Grad(plain.Mul(r).Sum(), wrt...)
				for j := range wrt {
					sameValues(t, fmt.Sprintf("%s gradient %d", name, j), gf[j], gp[j])
				}
				// The images' gradient alone, as Langevin steps take it.
				sameValues(t, name+" gradient of the images alone", tensor.Grad(seq.Forward(x).Mul(r).Sum(), x)[0], gp[0])
				// Without gradients, the same values.
				sameValues(t, name+" values without gradients", seq.Forward(x.Detach()), plain)
			}
		}
	}
}

// A BatchNorm in training and the activation after it in a Sequential
// run as one operation (the activation applied to each run as it is
// written, its derivative taken run by run): its values and first
// derivatives must be those of the two layers one after the other, bit
// for bit, on one thread and more, and the same bits on every thread
// count, for runs of a channel's values of every kind (along rows,
// short, long) and tensors large enough to split across threads; in
// evaluation the layers run one after the other.
func TestSequentialBatchNormActivation(t *testing.T) {
	defer kernel.SetThreads(0)
	// The values and gradients on one thread, by case name less threads.
	oneThread := map[string][]*tensor.Tensor{}
	norms := []struct {
		bn    func() *nn.BatchNorm
		shape []int
	}{
		{func() *nn.BatchNorm { return nn.NewBatchNorm2d(3) }, []int{4, 3, 7, 7}},
		{func() *nn.BatchNorm { return nn.NewBatchNorm2d(8) }, []int{8, 8, 24, 24}},
		{func() *nn.BatchNorm { return nn.NewBatchNorm1d(600) }, []int{60, 600}},
		{func() *nn.BatchNorm { return nn.NewBatchNorm1d(3) }, []int{4, 3, 6}},
	}
	for k, act := range []*nn.Func{nn.ReLU(), nn.LeakyReLU(0.2), nn.LeakyReLU(-0.5), nn.Tanh(), nn.Sigmoid(), nn.SiLU()} {
		for _, threads := range []int{1, 2, 3} {
			for i, c := range norms {
				for _, affine := range []bool{true, false} {
					kernel.SetThreads(threads)
					bn := c.bn()
					if affine {
						bn.Weight.CopyFrom(randn(uint64(80+i), 0.5, bn.Weight.Shape()...).AddScalar(1))
						bn.Bias.CopyFrom(randn(uint64(90+i), 0.5, bn.Bias.Shape()...))
					} else {
						bn.Weight, bn.Bias = nil, nil
					}
					seq := nn.NewSequential(bn, act)
					x := randn(76, 1, c.shape...).SetRequiresGrad(true)
					wrt := append([]*tensor.Tensor{x}, nn.Tensors(bn)...)
					name := fmt.Sprintf("%s/threads=%d/norm %d/affine=%v", act.Name, threads, i, affine)
					fused := seq.Forward(x)
					plain := act.Forward(bn.Forward(x))
					sameValues(t, name+" values", fused, plain)
					r := randn(77, 1, c.shape...)
					gf := tensor.Grad(fused.Mul(r).Sum(), wrt...)
					gp := tensor.Grad(plain.Mul(r).Sum(), wrt...)
					for j := range wrt {
						sameValues(t, fmt.Sprintf("%s gradient %d", name, j), gf[j], gp[j])
					}
					key := fmt.Sprintf("%d/norm %d/affine=%v", k, i, affine)
					if want, ok := oneThread[key]; ok {
						for j, got := range append([]*tensor.Tensor{fused}, gf...) {
							sameValues(t, fmt.Sprintf("%s result %d against one thread", name, j), got, want[j])
						}
					} else {
						oneThread[key] = append([]*tensor.Tensor{fused}, gf...)
					}
					bn.SetTraining(false)
					sameValues(t, name+" values in evaluation", seq.Forward(x), act.Forward(bn.Forward(x)))
				}
			}
		}
	}
}

// sameValues fails unless got and want hold the same bits.
func sameValues(t *testing.T, name string, got, want *tensor.Tensor) {
	t.Helper()
	g, w := got.Values(), want.Values()
	for i := range w {
		if math.Float32bits(g[i]) != math.Float32bits(w[i]) {
			t.Errorf("%s: [%d] = %v, want %v", name, i, g[i], w[i])
			return
		}
	}
}

// BatchNorm's batch statistics are those of float64 sums, to float32
// precision, for channels far from zero and with runs of every length
// around the vector widths.
func TestBatchNormStats(t *testing.T) {
	for _, side := range []int{3, 4, 5, 7, 17} {
		const n, c = 6, 3
		x := randn(uint64(side), 0.01, n, c, side, side).AddScalar(1e4)
		bn := nn.NewBatchNorm2d(c)
		bn.Momentum = 1 // the running statistics become the batch's
		bn.Forward(x)
		xs, m := x.Values(), side*side
		for ch := range c {
			var s, q float64
			for i := range n {
				for _, v := range xs[(i*c+ch)*m : (i*c+ch+1)*m] {
					s += float64(v)
				}
			}
			mean := s / float64(n*m)
			for i := range n {
				for _, v := range xs[(i*c+ch)*m : (i*c+ch+1)*m] {
					q += (float64(v) - mean) * (float64(v) - mean)
				}
			}
			unbiased := q / float64(n*m-1)
			if got := float64(bn.RunningMean.Values()[ch]); math.Abs(got-mean) > 2e-7*mean {
				t.Errorf("%dx%d maps, channel %d: mean %v, want %v", side, side, ch, got, mean)
			}
			if got := float64(bn.RunningVar.Values()[ch]); math.Abs(got-unbiased) > 1e-6*unbiased {
				t.Errorf("%dx%d maps, channel %d: variance %v, want %v", side, side, ch, got, unbiased)
			}
		}
	}
}

// A ReLU followed by MaxPool2d in a Sequential runs after the pooling: its
// values and first derivatives must equal those of the two layers in
// order, on inputs with ties, zeros and all-negative windows, with and
// without padding, on one thread and more.
func TestSequentialReLUMaxPool(t *testing.T) {
	defer kernel.SetThreads(0)
	for _, pool := range []*nn.MaxPool2d{nn.NewMaxPool2d(2, 0, 0), nn.NewMaxPool2d(3, 2, 1)} {
		for _, threads := range []int{1, 2, 3} {
			kernel.SetThreads(threads)
			// Steps of 0.5 from -2.5 to 1.5, so that windows hold ties and zeros.
			x := tensor.Zeros(3, 5, 13, 12)
			for i := range x.Data() {
				x.Data()[i] = float32(i*7919%9-5) * 0.5
			}
			x.SetRequiresGrad(true)
			seq := nn.NewSequential(nn.ReLU(), pool)
			swapped := seq.Forward(x)
			plain := pool.Forward(nn.ReLU().Forward(x))
			name := fmt.Sprintf("%+v/threads=%d", pool.Geom, threads)
			sameValues(t, name+" values", swapped, plain)
			r := randn(82, 1, plain.Shape()...)
			gs := tensor.Grad(swapped.Mul(r).Sum(), x)[0].Values()
			gp := tensor.Grad(plain.Mul(r).Sum(), x)[0].Values()
			for i := range gp {
				if gs[i] != gp[i] {
					t.Fatalf("%s gradient [%d] = %v, want %v", name, i, gs[i], gp[i])
				}
			}
		}
	}
}

// A Conv2d followed by MaxPool2d in a Sequential, with or without a ReLU
// between, pools the convolution's maps as they are made, and one with
// another activation between applies it as the maps are written: the
// values and first derivatives must equal those of the layers one after
// the other, with and without a bias, for chunks of one image and of
// several, through the general products and those of windows of nine
// values, on one thread and more, with the weight's gradient wanted or
// not.
func TestSequentialConvMaxPool(t *testing.T) {
	defer kernel.SetThreads(0)
	for _, tc := range []struct {
		name       string
		n, c, h, o int
		act        *nn.Func // between the two, if not nil
		bias       bool
		pool       *nn.MaxPool2d
	}{
		{"3x3 relu 2x2", 9, 3, 13, 4, nn.ReLU(), true, nn.NewMaxPool2d(2, 0, 0)},
		{"3x3 2x2 no bias", 5, 2, 12, 3, nil, false, nn.NewMaxPool2d(2, 0, 0)},
		{"large maps relu 3x3 s2 p1", 3, 1, 28, 5, nn.ReLU(), true, nn.NewMaxPool2d(3, 2, 1)},
		{"windows of nine relu 2x2", 3, 1, 28, 32, nn.ReLU(), true, nn.NewMaxPool2d(2, 0, 0)},
		{"windows of nine silu 2x2", 3, 1, 20, 16, nn.SiLU(), true, nn.NewMaxPool2d(2, 0, 0)},
		{"3x3 tanh 2x2", 4, 2, 12, 3, nn.Tanh(), false, nn.NewMaxPool2d(2, 0, 0)},
		{"one map no bias", 3, 2, 10, 1, nn.ReLU(), false, nn.NewMaxPool2d(2, 0, 0)},
	} {
		for _, threads := range []int{1, 2, 3} {
			kernel.SetThreads(threads)
			name := fmt.Sprintf("%s/threads=%d", tc.name, threads)
			rng := tensor.NewRNG(9)
			conv := nn.NewConv2d(rng, tc.c, tc.o, nn.ConvSpec{Kernel: 3, NoBias: !tc.bias})
			layers := []nn.Layer{conv, tc.pool}
			if tc.act != nil {
				layers = []nn.Layer{conv, tc.act, tc.pool}
			}
			x := tensor.Randn(rng, tc.n, tc.c, tc.h, tc.h).SetRequiresGrad(true)
			fusedOut := nn.NewSequential(layers...).Forward(x)
			plain := x
			for _, l := range layers {
				plain = l.Forward(plain)
			}
			sameValues(t, name+" values", fusedOut, plain)
			r := randn(83, 1, plain.Shape()...)
			wrt := []*tensor.Tensor{x, conv.Weight}
			if tc.bias {
				wrt = append(wrt, conv.Bias)
			}
			gf := tensor.Grad(fusedOut.Mul(r).Sum(), wrt...)
			gp := tensor.Grad(plain.Mul(r).Sum(), wrt...)
			for i := range gp {
				sameValues(t, fmt.Sprintf("%s gradient %d", name, i), gf[i], gp[i])
			}
			// The images' gradient alone stores the maps' gradient.
			sameValues(t, name+" images' gradient alone", tensor.Grad(fusedOut.Mul(r).Sum(), x)[0], gp[0])
		}
	}
}

// LayerNorm of a residual sum, on rows enough for its loops to split
// across threads: values and gradients the same bits on one thread and
// more, and those of the differentiable reference to float32 rounding.
func TestLayerNormSumThreads(t *testing.T) {
	defer kernel.SetThreads(0)
	ln := nn.NewLayerNorm(96)
	for i, p := range ln.Params() {
		p.Tensor.CopyFrom(randn(uint64(80+i), 0.5, p.Tensor.Shape()...).AddScalar(1))
	}
	x := randn(82, 2, 4, 90, 96).AddScalar(0.7).SetRequiresGrad(true)
	y := randn(83, 1, 4, 90, 96).SetRequiresGrad(true)
	r := randn(84, 1, 4, 90, 96)
	wrt := append([]*tensor.Tensor{x, y}, nn.Tensors(ln)...)
	var first []*tensor.Tensor
	for _, threads := range []int{1, 2, 3} {
		kernel.SetThreads(threads)
		out := ln.ForwardSum(x, y)
		got := append([]*tensor.Tensor{out.Detach()}, tensor.Grad(out.Mul(r).Sum(), wrt...)...)
		if first == nil {
			first = got
			ref := tensor.GradGraph(ln.Forward(x.Add(y)).Mul(r).Sum(), wrt...)
			for j := range ref {
				a, b := got[j+1].Data(), ref[j].Data()
				for k := range a {
					if math.Abs(float64(a[k]-b[k])) > 1e-4*(1+math.Abs(float64(b[k]))) {
						t.Fatalf("gradient %d, value %d: dedicated loop %v, reference %v", j, k, a[k], b[k])
					}
				}
			}
			continue
		}
		for j := range got {
			sameValues(t, fmt.Sprintf("threads=%d result %d", threads, j), got[j], first[j])
		}
	}
}

// The element losses share their chunks out across threads from
// lossSplitMin values: the values and gradients are those of one thread,
// bit for bit, under every reduction.
func TestElementLossSplit(t *testing.T) {
	defer kernel.SetThreads(0)
	p := randn(80, 1, 70, 600).Sigmoid()
	target := tensor.Rand(tensor.NewRNG(81), 70, 600)
	r := randn(82, 1, 70, 600)
	losses := []struct {
		name string
		f    func(x, t *tensor.Tensor, r nn.Reduction) *tensor.Tensor
		x    *tensor.Tensor
	}{
		{"BCELoss", func(x, t *tensor.Tensor, r nn.Reduction) *tensor.Tensor { return nn.BCELoss(x, t, r) }, p},
		{"BCEWithLogitsLoss", func(x, t *tensor.Tensor, r nn.Reduction) *tensor.Tensor { return nn.BCEWithLogitsLoss(x, t, r) }, randn(83, 2, 70, 600)},
	}
	for _, l := range losses {
		for _, red := range []nn.Reduction{nn.ReduceMean, nn.ReduceSum, nn.ReduceNone} {
			run := func(threads int) []*tensor.Tensor {
				kernel.SetThreads(threads)
				x, tt := l.x.Detach().SetRequiresGrad(true), target.Detach().SetRequiresGrad(true)
				v := l.f(x, tt, red)
				loss := v
				if red == nn.ReduceNone {
					loss = v.Mul(r).Sum()
				}
				return append([]*tensor.Tensor{v}, tensor.Grad(loss, x, tt)...)
			}
			want := run(1)
			for _, threads := range []int{2, 3} {
				got := run(threads)
				for i, what := range []string{"values", "input gradient", "target gradient"} {
					sameValues(t, fmt.Sprintf("%s/reduction %d/threads=%d %s", l.name, red, threads, what), got[i], want[i])
				}
			}
		}
	}
}

// A Linear layer's two products of the backward pass (the input's and the
// weight's gradients) run side by side on threads of their own: the
// gradients are those of one thread, bit for bit, with and without an
// activation after the layer.
func TestLinearGradientsThreads(t *testing.T) {
	defer kernel.SetThreads(0)
	lin := nn.NewLinear(tensor.NewRNG(90), 300, 70, true)
	x := randn(91, 1, 500, 300).SetRequiresGrad(true)
	r := randn(92, 1, 500, 70)
	wrt := append([]*tensor.Tensor{x}, nn.Tensors(lin)...)
	for _, l := range []nn.Layer{lin, nn.NewSequential(lin, nn.Tanh())} {
		grads := func(threads int) []*tensor.Tensor {
			kernel.SetThreads(threads)
			return tensor.Grad(l.Forward(x).Mul(r).Sum(), wrt...)
		}
		want := grads(1)
		for _, threads := range []int{2, 3} {
			got := grads(threads)
			for i := range wrt {
				sameValues(t, fmt.Sprintf("%T/threads=%d gradient %d", l, threads, i), got[i], want[i])
			}
		}
	}
}
