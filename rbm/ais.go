package rbm

import (
	"context"
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// AIS estimates the log partition function log Z of an RBM by annealed
// importance sampling, as Salakhutdinov & Murray (2008) do: independent
// runs anneal from a base-rate model p_A (no weights, no hidden biases,
// visible biases BaseBias), whose log Z_A is known, to the RBM through the
// intermediate distributions
//
//	p_k(v) ∝ exp((1 - β_k) b_A.v + β_k b.v) prod_j (1 + exp(β_k (c_j + W_j.v)))
//
// for the Betas values of Schedule, leaving each p_k invariant by one
// step of block Gibbs sampling at inverse temperature β_k. The mean of the
// runs' importance weights estimates Z / Z_A.
type AIS struct {
	Runs  int // independent annealing runs; the paper has 100
	Betas int // intermediate distributions; the paper has 14500
	// BaseBias holds the base-rate model's visible biases [V]: the
	// log-odds of the data's marginals (BaseRate) make p_A close to the
	// data and the estimate's variance small. nil means zeros (uniform).
	BaseBias *tensor.Tensor
}

// LogZ is an estimate of log Z.
type LogZ struct {
	LogZ float64 `json:"log_z"`
	// Lo and Hi are log(Ẑ - 3σ) and log(Ẑ + 3σ), σ the standard error of
	// the mean importance weight Ẑ, the bounds Salakhutdinov & Murray
	// report; Lo is -Inf when Ẑ - 3σ <= 0.
	Lo    float64 `json:"log_z_lo"`
	Hi    float64 `json:"log_z_hi"`
	Runs  int     `json:"runs"`
	Betas int     `json:"betas"`
}

// Schedule returns the inverse temperatures 0 = β_0 < β_1 < ... < β_k = 1
// of k intermediate distributions spaced as in Salakhutdinov & Murray
// (2008), who use k = 14500: a share 1000/14500 of the steps evenly in
// [0, 0.5], 4000/14500 in [0.5, 0.9] and 10000/14500 in [0.9, 1], the
// last segment densest where the distributions change fastest. Fewer than
// 15 steps are spaced evenly.
func Schedule(k int) []float64 {
	if k < 15 {
		return linspace(0, 1, k)
	}
	n1 := int(math.Round(float64(k) * 1000 / 14500))
	n2 := int(math.Round(float64(k) * 4000 / 14500))
	betas := linspace(0, 0.5, n1)
	betas = append(betas[:n1], linspace(0.5, 0.9, n2)...)
	return append(betas[:n1+n2], linspace(0.9, 1, k-n1-n2)...)
}

// linspace returns n+1 evenly spaced values from lo to hi.
func linspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n+1)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n)
	}
	out[n] = hi
	return out
}

// BaseRate returns the log-odds log(p_i / (1 - p_i)) of the marginals p_i
// of the binary rows of v ([N, V]), smoothed as (ones + 1) / (N + 2) so
// that units never on or never off keep finite biases: the visible biases
// of the base-rate model of AIS and a good start for an RBM's visible
// biases (Hinton's practical guide).
func BaseRate(v *tensor.Tensor) *tensor.Tensor {
	n, d := v.Size(0), v.Size(1)
	ones := make([]float64, d)
	vals := v.Values()
	for i := range n {
		for j, x := range vals[i*d : (i+1)*d] {
			ones[j] += float64(x)
		}
	}
	out := make([]float32, d)
	for j, s := range ones {
		p := (s + 1) / float64(n+2)
		out[j] = float32(math.Log(p / (1 - p)))
	}
	return tensor.New(out, d)
}

// LogZ runs the annealing and returns the estimate of log Z of r. A
// cancelled ctx stops it with an error wrapping the context's cause.
func (a AIS) LogZ(ctx context.Context, r *RBM, rng *tensor.RNG) (LogZ, error) {
	if a.Runs < 2 || a.Betas < 1 {
		return LogZ{}, fmt.Errorf("rbm: AIS needs at least 2 runs and 1 intermediate distribution, have %d and %d", a.Runs, a.Betas)
	}
	f := r.frozen()
	nv, nh := r.Visible(), r.Hidden()
	base := a.BaseBias
	if base == nil {
		base = tensor.Zeros(nv)
	}
	if base.Len() != nv {
		return LogZ{}, fmt.Errorf("rbm: AIS base-rate biases have %d values for %d visible units", base.Len(), nv)
	}
	// log Z_A: the visible units are independent and each hidden unit
	// contributes 1 + e^0.
	logZA := float64(nh) * math.Ln2
	for _, b := range base.Values() {
		logZA += softplus(float64(b))
	}
	// The visible biases' share: (1 - β) b_A.v + β b.v = b_A.v + β (b - b_A).v.
	diff := f.VisibleBias.Sub(base)
	v := bernoulli(base.Unsqueeze(0).BroadcastTo(a.Runs, nv).Sigmoid(), rng)
	logW := make([]float64, a.Runs)
	betas := Schedule(a.Betas)
	for k := 1; k < len(betas); k++ {
		if k%100 == 0 && ctx.Err() != nil {
			return LogZ{}, fmt.Errorf("rbm: AIS stopped at beta %d of %d: %w", k, a.Betas, context.Cause(ctx))
		}
		bPrev, bk := betas[k-1], betas[k]
		x := f.hiddenInput(v)
		xs := x.Values()
		dv := v.Matmul(diff.Unsqueeze(1)).Values()
		kernel.Parallel(len(logW), func(lo, hi int) {
			for i := lo; i < hi; i++ {
				s := (bk - bPrev) * float64(dv[i])
				for _, xj := range xs[i*nh : (i+1)*nh] {
					s += softplus(bk*float64(xj)) - softplus(bPrev*float64(xj))
				}
				logW[i] += s
			}
		})
		if k == len(betas)-1 {
			break
		}
		// One Gibbs step that leaves p_k invariant.
		h := bernoulli(x.MulScalar(float32(bk)).Sigmoid(), rng)
		in := h.Matmul(f.Weight).Add(f.VisibleBias).MulScalar(float32(bk)).Add(base.MulScalar(float32(1 - bk)))
		v = bernoulli(in.Sigmoid(), rng)
	}
	est := logMeanExp(logW)
	est.LogZ += logZA
	est.Lo += logZA
	est.Hi += logZA
	est.Runs, est.Betas = a.Runs, a.Betas
	return est, nil
}

// logMeanExp returns log of the mean of exp(xs) and the logs of that mean
// minus and plus three standard errors.
func logMeanExp(xs []float64) LogZ {
	m := math.Inf(-1)
	for _, x := range xs {
		m = max(m, x)
	}
	var s, s2 float64
	for _, x := range xs {
		w := math.Exp(x - m)
		s += w
		s2 += w * w
	}
	n := float64(len(xs))
	mu := s / n
	se := math.Sqrt(max(s2/n-mu*mu, 0) * n / (n - 1) / n)
	lo := math.Inf(-1)
	if mu > 3*se {
		lo = m + math.Log(mu-3*se)
	}
	return LogZ{LogZ: m + math.Log(mu), Lo: lo, Hi: m + math.Log(mu+3*se)}
}

// MaxExactHidden is the largest number of hidden units ExactLogZ takes.
const MaxExactHidden = 24

// ExactLogZ returns log Z of an RBM with at most MaxExactHidden hidden
// units by enumerating the 2^H hidden states:
//
//	Z = sum_h exp(c.h) prod_i (1 + exp(b_i + (W^T h)_i))
func ExactLogZ(r *RBM) (float64, error) {
	nh := r.Hidden()
	if nh > MaxExactHidden {
		return 0, fmt.Errorf("rbm: the exact log Z enumerates 2^H hidden states; H = %d is more than %d", nh, MaxExactHidden)
	}
	f := r.frozen()
	const chunk = 4096
	total := 1 << nh
	terms := make([]float64, 0, total)
	for lo := 0; lo < total; lo += chunk {
		n := min(chunk, total-lo)
		hs := make([]float32, n*nh)
		for i := range n {
			for j := range nh {
				if (lo+i)>>j&1 == 1 {
					hs[i*nh+j] = 1
				}
			}
		}
		h := tensor.New(hs, n, nh)
		t := h.Matmul(f.Weight).Add(f.VisibleBias).Softplus().Sum(1).Add(h.Mul(f.HiddenBias).Sum(1))
		for _, x := range t.Values() {
			terms = append(terms, float64(x))
		}
	}
	return logMeanExp(terms).LogZ + float64(nh)*math.Ln2, nil
}

// LogProb returns log p(v) = -F(v) - log Z for each binary row of v
// ([N, V]), given log Z (from AIS or ExactLogZ).
func (r *RBM) LogProb(v *tensor.Tensor, logZ float64) []float64 {
	fe := r.frozen().FreeEnergy(v).Values()
	out := make([]float64, len(fe))
	for i, x := range fe {
		out[i] = -float64(x) - logZ
	}
	return out
}
