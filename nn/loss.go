package nn

import (
	"fmt"
	"slices"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// Reduction says how a loss combines its per-element (or per-sample) values.
type Reduction int

const (
	// ReduceMean averages them: the default.
	ReduceMean Reduction = iota
	// ReduceSum adds them.
	ReduceSum
	// ReduceNone returns them unreduced.
	ReduceNone
)

// reduce applies the optional reduction (at most one; ReduceMean if none).
func reduce(loss string, t *tensor.Tensor, r []Reduction) *tensor.Tensor {
	switch reduction(loss, r) {
	case ReduceSum:
		return t.Sum()
	case ReduceNone:
		return t
	}
	return t.Mean()
}

func checkSameShape(loss string, input, target *tensor.Tensor) {
	if !slices.Equal(input.Shape(), target.Shape()) {
		panic(fmt.Sprintf("nn: %s: input shape %v and target shape %v differ", loss, input.Shape(), target.Shape()))
	}
}

// MSELoss returns the squared error (input - target)^2, averaged unless a
// reduction says otherwise. Input and target have the same shape.
func MSELoss(input, target *tensor.Tensor, r ...Reduction) *tensor.Tensor {
	return mseLoss.apply(input, target, r)
}

var mseLoss = &elementLoss{
	name: "MSELoss",
	values: func(dst, x, t, _ []float32) {
		kernel.Map2(kernel.Sub, dst, x, t)
		kernel.Map2(kernel.Mul, dst, dst, dst)
	},
	grads: func(gx, gt, x, t, w, _ []float32) {
		// w * 2 (x - t), and its negative for the target.
		kernel.Map2(kernel.Sub, gx, x, t)
		kernel.Map2Scalar(kernel.Mul, gx, gx, 2, false)
		kernel.Map2(kernel.Mul, gx, w, gx)
		if gt != nil {
			kernel.Map2Scalar(kernel.Mul, gt, gx, -1, false)
		}
	},
	ref: func(x, target *tensor.Tensor) *tensor.Tensor { return x.Sub(target).Square() },
}

// L1Loss returns the absolute error |input - target|, averaged unless a
// reduction says otherwise. Its gradient at a zero error is zero.
func L1Loss(input, target *tensor.Tensor, r ...Reduction) *tensor.Tensor {
	checkSameShape("L1Loss", input, target)
	return reduce("L1Loss", input.Sub(target).Abs(), r)
}

// HuberLoss returns, with d = input - target, 0.5*d^2 where |d| < delta and
// delta*(|d| - 0.5*delta) elsewhere, averaged unless a reduction says
// otherwise (PyTorch's HuberLoss; delta > 0).
func HuberLoss(input, target *tensor.Tensor, delta float32, r ...Reduction) *tensor.Tensor {
	checkSameShape("HuberLoss", input, target)
	if !(delta > 0) {
		panic(fmt.Sprintf("nn: HuberLoss: delta %v, want > 0", delta))
	}
	d := input.Sub(target)
	a := d.Abs()
	quad := d.Square().MulScalar(0.5)
	lin := a.AddScalar(-0.5 * delta).MulScalar(delta)
	return reduce("HuberLoss", tensor.Where(a.Detach().Lt(tensor.Scalar(delta)), quad, lin), r)
}

// BCELoss returns the binary cross-entropy
// -(t*log(p) + (1-t)*log(1-p)) of probabilities p in [0, 1] against targets
// t in [0, 1], averaged unless a reduction says otherwise. As in PyTorch,
// each log is clamped at -100, so p = 0 or 1 gives a finite loss, and the
// gradient with respect to p is (p - t) / max(p*(1-p), 1e-12). Prefer
// BCEWithLogitsLoss on logits. It is computed in one pass, reduction
// included.
func BCELoss(p, target *tensor.Tensor, r ...Reduction) *tensor.Tensor {
	return bceLoss.apply(p, target, r)
}

var bceLoss = &elementLoss{
	name: "BCELoss",
	values: func(dst, p, t, scratch []float32) {
		// -(t log p + (1 - t) log(1 - p)), an operation at a time.
		logP, logQ := clampedLogs(p, scratch)
		oneMinus(dst, t)
		kernel.Map2(kernel.Mul, dst, dst, logQ)
		kernel.Map2(kernel.Mul, logP, t, logP)
		kernel.Map2(kernel.Add, dst, logP, dst)
		kernel.Map2Scalar(kernel.Mul, dst, dst, -1, false)
	},
	grads: func(gp, gt, p, t, w, scratch []float32) {
		// w * (p - t) / max(p * (1 - p), 1e-12), an operation at a time.
		q := scratch[:len(p)]
		oneMinus(q, p)
		kernel.Map2(kernel.Mul, q, p, q)
		clampBelow(q, 1e-12)
		kernel.Map2(kernel.Sub, gp, p, t)
		kernel.Map2(kernel.Mul, gp, w, gp)
		kernel.Map2(kernel.Div, gp, gp, q)
		if gt != nil {
			logP, logQ := clampedLogs(p, scratch)
			for i := range gt {
				gt[i] = w[i] * (logQ[i] - logP[i])
			}
		}
	},
	ref: func(p, target *tensor.Tensor) *tensor.Tensor {
		pd, td := p.Detach(), target.Detach()
		out := td.Mul(clampedLog(pd)).Add(td.OneMinus().Mul(clampedLog(pd.OneMinus()))).Neg()
		return tensor.Custom("BCELoss", out, []*tensor.Tensor{p, target}, func(b *tensor.Backprop) []*tensor.Tensor {
			g, p, target := b.Grad, b.In[0], b.In[1]
			gp := g.Mul(p.Sub(target).Div(p.Mul(p.OneMinus()).Maximum(tensor.Scalar(1e-12))))
			gt := g.Mul(clampedLog(p.OneMinus()).Sub(clampedLog(p)))
			return []*tensor.Tensor{gp, gt}
		})
	},
}

// clampedLogs returns log(p) and log(1-p), each limited below by -100, in
// the first two parts of scratch (of 2*len(p) values or more).
func clampedLogs(p, scratch []float32) (logP, logQ []float32) {
	n := len(p)
	logP, logQ = scratch[:n], scratch[n:2*n]
	oneMinus(logQ, p)
	kernel.Log(logP, p)
	kernel.Log(logQ, logQ)
	clampBelow(logP, -100)
	clampBelow(logQ, -100)
	return logP, logQ
}

// clampBelow sets x[i] = max(x[i], lo), NaN staying NaN, with the vector
// loops.
func clampBelow(x []float32, lo float32) { kernel.Map2Scalar(kernel.Max, x, x, lo, false) }

// oneMinus sets dst[i] = 1 - x[i] with the vector loops.
func oneMinus(dst, x []float32) { kernel.Map2Scalar(kernel.Sub, dst, x, 1, true) }

// clampedLog returns log(x) limited below by -100, as PyTorch's BCELoss.
func clampedLog(x *tensor.Tensor) *tensor.Tensor { return x.Log().Maximum(tensor.Scalar(-100)) }

// BCEWithLogitsLoss returns the binary cross-entropy of sigmoid(x) against
// targets t, computed stably as softplus(x) - x*t (= max(x, 0) - x*t +
// log(1 + e^-|x|)), averaged unless a reduction says otherwise. Its
// gradients are sigmoid(x) - t for x and -x for t. It is computed in one
// pass, reduction included.
func BCEWithLogitsLoss(x, target *tensor.Tensor, r ...Reduction) *tensor.Tensor {
	return bceLogitsLoss.apply(x, target, r)
}

var bceLogitsLoss = &elementLoss{
	name: "BCEWithLogitsLoss",
	values: func(dst, x, t, scratch []float32) {
		// softplus(x) - x*t, an operation at a time.
		xt := scratch[:len(x)]
		kernel.Map2(kernel.Mul, xt, x, t)
		kernel.Softplus(dst, x)
		kernel.Map2(kernel.Sub, dst, dst, xt)
	},
	grads: func(gx, gt, x, t, w, _ []float32) {
		// w * (sigmoid(x) - t) and -w * x, an operation at a time.
		kernel.Sigmoid(gx, x)
		kernel.Map2(kernel.Sub, gx, gx, t)
		kernel.Map2(kernel.Mul, gx, w, gx)
		if gt != nil {
			kernel.Map2(kernel.Mul, gt, w, x)
			kernel.Map2Scalar(kernel.Mul, gt, gt, -1, false)
		}
	},
	ref: func(x, target *tensor.Tensor) *tensor.Tensor { return x.Softplus().Sub(x.Mul(target)) },
}

// CrossEntropyLoss returns -log softmax(logits)[target] for logits [N, C]
// and targets [N] holding class indices, averaged over the batch unless a
// reduction says otherwise (ReduceNone gives [N]). It is one operation:
// the log-softmax rows are kept for the backward pass, whose first
// derivative, softmax(logits) - onehot(target) times the output's
// gradient, is one loop; gradients of gradients go through the same loss
// written with LogSoftmax.
func CrossEntropyLoss(logits, targets *tensor.Tensor, r ...Reduction) *tensor.Tensor {
	checkClasses("CrossEntropyLoss", logits, targets)
	red := reduction("CrossEntropyLoss", r)
	n, c := logits.Size(0), logits.Size(1)
	lpt := tensor.Empty(n, c)
	lp, td := lpt.Values(), targets.Detach().Values() // the backward pass reads the targets: keep them from the pools
	kernel.SoftmaxRows(lp, logits.Values(), c, true)
	picked := func(i int) float32 { return lp[i*c+int(td[i])] }
	var out *tensor.Tensor
	if red == ReduceNone {
		out = tensor.Empty(n)
		od := out.Values()
		for i := range od {
			od[i] = -picked(i)
		}
	} else {
		var s float64
		for i := range n {
			s -= float64(picked(i))
		}
		if red == ReduceMean {
			s /= float64(n)
		}
		out = tensor.Scalar(float32(s))
	}
	fast := func(b *tensor.Backprop) []*tensor.Tensor {
		// Row i of the gradient is w_i (softmax_i - onehot(target_i)).
		g := b.Grad.Values()
		gx := tensor.Empty(n, c)
		gd := gx.Values()
		kernel.Exp(gd, lp)
		w := func(i int) float32 { return g[i] }
		if red != ReduceNone {
			scale := g[0]
			if red == ReduceMean {
				scale /= float32(n)
			}
			kernel.Map2Scalar(kernel.Mul, gd, gd, scale, false)
			w = func(int) float32 { return scale }
		} else {
			for i := range n {
				kernel.Map2Scalar(kernel.Mul, gd[i*c:(i+1)*c], gd[i*c:(i+1)*c], g[i], false)
			}
		}
		for i := range n {
			gd[i*c+int(td[i])] -= w(i)
		}
		return []*tensor.Tensor{gx}
	}
	ref := func() *tensor.Tensor { return nll("CrossEntropyLoss", logits.LogSoftmax(1), targets, r) }
	return fused("CrossEntropyLoss", out, []*tensor.Tensor{logits}, fast, ref).Adopt(lpt)
}

// NLLLoss returns -logProbs[target] for log-probabilities [N, C] and
// targets [N] holding class indices, averaged over the batch unless a
// reduction says otherwise (ReduceNone gives [N]).
func NLLLoss(logProbs, targets *tensor.Tensor, r ...Reduction) *tensor.Tensor {
	checkClasses("NLLLoss", logProbs, targets)
	return nll("NLLLoss", logProbs, targets, r)
}

func nll(loss string, logProbs, targets *tensor.Tensor, r []Reduction) *tensor.Tensor {
	n := targets.Len()
	return reduce(loss, logProbs.Gather(1, targets.Detach().Reshape(n, 1)).Reshape(n).Neg(), r)
}

// checkClasses panics unless scores is [N, C] and targets is [N] of whole
// numbers in [0, C).
func checkClasses(loss string, scores, targets *tensor.Tensor) {
	s, ts := scores.Shape(), targets.Shape()
	if len(s) != 2 || len(ts) != 1 || ts[0] != s[0] {
		panic(fmt.Sprintf("nn: %s: input shape %v and target shape %v, want [N, C] and [N]", loss, s, ts))
	}
	for _, v := range targets.Values() {
		if k := int(v); float32(k) != v || k < 0 || k >= s[1] {
			panic(fmt.Sprintf("nn: %s: target %v is not a class index in [0, %d)", loss, v, s[1]))
		}
	}
}

// GaussianKL returns the Kullback-Leibler divergence KL(N(mu, sigma^2) ||
// N(0, I)) of a diagonal Gaussian with log-variance logvar = log sigma^2
// (Kingma & Welling 2013, appendix B):
//
//	KL_i = -0.5 * sum_j (1 + logvar_ij - mu_ij^2 - exp(logvar_ij))
//
// summed over all axes but the first (the batch) and averaged over the
// batch unless a reduction says otherwise (ReduceNone gives one value per
// sample).
func GaussianKL(mu, logvar *tensor.Tensor, r ...Reduction) *tensor.Tensor {
	checkSameShape("GaussianKL", mu, logvar)
	if mu.Dim() == 0 {
		panic(fmt.Sprintf("nn: GaussianKL: input shape %v has no batch axis", mu.Shape()))
	}
	terms := logvar.AddScalar(1).Sub(mu.Square()).Sub(logvar.Exp())
	perSample := terms.Reshape(mu.Size(0), -1).Sum(1).MulScalar(-0.5)
	return reduce("GaussianKL", perSample, r)
}
