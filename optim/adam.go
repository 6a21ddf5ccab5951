package optim

import (
	"math"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// AdamConfig holds the hyper-parameters of Adam and AdamW. Start from
// DefaultAdamConfig or DefaultAdamWConfig: a zero field means zero, not
// "default" (Beta1 = 0 is a common choice for GANs).
type AdamConfig struct {
	LR          float64 // learning rate, >= 0
	Beta1       float64 // decay of the first-moment estimate, in [0, 1)
	Beta2       float64 // decay of the second-moment estimate, in [0, 1)
	Eps         float64 // added to the denominator, >= 0
	WeightDecay float64 // >= 0; coupled (Adam) or decoupled (AdamW)
	AMSGrad     bool    // use the running maximum of the second moment
}

// DefaultAdamConfig returns PyTorch's defaults for torch.optim.Adam:
// lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay.
func DefaultAdamConfig() AdamConfig {
	return AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// DefaultAdamWConfig returns PyTorch's defaults for torch.optim.AdamW:
// those of Adam with weight decay 1e-2.
func DefaultAdamWConfig() AdamConfig {
	c := DefaultAdamConfig()
	c.WeightDecay = 1e-2
	return c
}

// Adam is the Adam optimizer (Kingma & Ba 2014, Algorithm 1) and, made by
// NewAdamW, its decoupled-weight-decay variant AdamW (Loshchilov & Hutter
// 2019); with AMSGrad it normalises by the running maximum of the second
// moment (Reddi et al. 2018). It updates like torch.optim.Adam and
// torch.optim.AdamW: at step t, with bias corrections c1 = 1-beta1^t and
// c2 = 1-beta2^t,
//
//	g = grad + wd*p                    (Adam; AdamW instead sets p = (1-lr*wd)*p)
//	m = beta1*m + (1-beta1)*g
//	v = beta2*v + (1-beta2)*g*g        (AMSGrad: vmax = max(vmax, v), used for v below)
//	p = p - (lr/c1) * m / (sqrt(v)/sqrt(c2) + eps)
//
// Note that eps is added after the bias correction of sqrt(v), as PyTorch
// does. Its state is "<i>.step", "<i>.exp_avg", "<i>.exp_avg_sq" and, with
// AMSGrad, "<i>.max_exp_avg_sq"; each parameter counts its own steps.
type Adam struct {
	base
	cfg       AdamConfig
	decoupled bool
	parts     []kernel.AdamPart // one step's updates, reused from step to step (the threaded update still allocates its job)
}

// NewAdam returns an Adam optimizer over params, with weight decay added
// to the gradient, or an error naming the first invalid hyper-parameter.
func NewAdam(params []*tensor.Tensor, cfg AdamConfig) (*Adam, error) {
	return newAdam("Adam", params, cfg, false)
}

// NewAdamW returns an AdamW optimizer over params: Adam whose weight decay
// shrinks the parameters directly instead of entering the moments.
func NewAdamW(params []*tensor.Tensor, cfg AdamConfig) (*Adam, error) {
	return newAdam("AdamW", params, cfg, true)
}

func newAdam(name string, params []*tensor.Tensor, cfg AdamConfig, decoupled bool) (*Adam, error) {
	if err := firstErr(
		checkUnit(name, "beta1", cfg.Beta1),
		checkUnit(name, "beta2", cfg.Beta2),
		checkNonNeg(name, "eps", cfg.Eps),
		checkNonNeg(name, "weight decay", cfg.WeightDecay),
	); err != nil {
		return nil, err
	}
	bufs := []string{"exp_avg", "exp_avg_sq"}
	if cfg.AMSGrad {
		bufs = append(bufs, "max_exp_avg_sq")
	}
	b, err := newBase(name, params, cfg.LR, true, bufs...)
	if err != nil {
		return nil, err
	}
	return &Adam{base: b, cfg: cfg, decoupled: decoupled}, nil
}

// Step updates every parameter that has a gradient, all of them in one
// pass split across threads.
func (o *Adam) Step() {
	c := o.cfg
	s := kernel.AdamStep{
		B1: float32(c.Beta1), B2: float32(c.Beta2),
		K1: float32(1 - c.Beta1), K2: float32(1 - c.Beta2),
		Eps: float32(c.Eps), Shrink: 1,
	}
	if o.decoupled {
		s.Shrink = float32(1 - o.lr*c.WeightDecay)
	} else {
		s.WD = float32(c.WeightDecay)
	}
	o.parts = o.parts[:0]
	for i, p := range o.params {
		g := o.grad(i)
		if g == nil {
			continue
		}
		x := p.Data()
		bufs, _ := o.slot(i, len(x))
		var vmax []float32
		if c.AMSGrad {
			vmax = bufs[2]
		}
		o.steps[i]++
		t := float64(o.steps[i])
		s.NegStep = float32(-o.lr / (1 - math.Pow(c.Beta1, t)))
		s.C2 = float32(math.Sqrt(1 - math.Pow(c.Beta2, t)))
		o.parts = append(o.parts, kernel.AdamPart{X: x, G: g, M: bufs[0], V: bufs[1], VMax: vmax, Step: s})
	}
	kernel.AdamAll(o.parts)
	clear(o.parts) // no references to the step's gradients past it
}
