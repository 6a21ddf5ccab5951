package optim

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
	"github.com/gibbsml/gibbs/tensor"
)

// SGDConfig holds the hyper-parameters of SGD. The zero value with LR set
// is plain stochastic gradient descent, as in PyTorch (which has no default
// learning rate for SGD).
type SGDConfig struct {
	LR          float64 // learning rate, >= 0
	Momentum    float64 // momentum factor, >= 0; 0 disables momentum
	Dampening   float64 // dampening of the gradient added to the momentum buffer
	Nesterov    bool    // Nesterov momentum; needs Momentum > 0 and Dampening == 0
	WeightDecay float64 // L2 penalty, added to the gradient; >= 0
}

// SGD is stochastic gradient descent with optional momentum, Nesterov
// momentum and weight decay, updating like torch.optim.SGD. With weight
// decay wd, momentum mu and dampening tau, each step computes
//
//	d = grad + wd*p
//	b = d on the first step, else mu*b + (1-tau)*d
//	d = d + mu*b (Nesterov) or d = b
//	p = p - lr*d
//
// Its state is "<i>.momentum_buffer" when Momentum is not zero.
type SGD struct {
	base
	cfg SGDConfig
}

// NewSGD returns an SGD optimizer over params, or an error naming the
// first invalid hyper-parameter.
func NewSGD(params []*tensor.Tensor, cfg SGDConfig) (*SGD, error) {
	const name = "SGD"
	err := firstErr(
		checkNonNeg(name, "momentum", cfg.Momentum),
		checkNonNeg(name, "weight decay", cfg.WeightDecay),
	)
	if err == nil && cfg.Nesterov && (cfg.Momentum <= 0 || cfg.Dampening != 0) {
		err = fmt.Errorf("optim: %s: Nesterov momentum needs momentum > 0 and zero dampening (have momentum %v, dampening %v)", name, cfg.Momentum, cfg.Dampening)
	}
	if err != nil {
		return nil, err
	}
	var bufs []string
	if cfg.Momentum != 0 {
		bufs = []string{"momentum_buffer"}
	}
	b, err := newBase(name, params, cfg.LR, false, bufs...)
	if err != nil {
		return nil, err
	}
	return &SGD{base: b, cfg: cfg}, nil
}

// Step updates every parameter that has a gradient.
func (o *SGD) Step() {
	wd := float32(o.cfg.WeightDecay)
	mu := float32(o.cfg.Momentum)
	keep := float32(1 - o.cfg.Dampening)
	negLR := float32(-o.lr)
	for i, p := range o.params {
		g := o.grad(i)
		if g == nil {
			continue
		}
		x := p.Data()
		if wd == 0 && mu == 0 {
			kernel.Axpy(x, g, negLR)
			continue
		}
		var buf []float32
		fresh := false
		if mu != 0 {
			var bufs [][]float32
			bufs, fresh = o.slot(i, len(x))
			buf = bufs[0]
		}
		for j, d := range g {
			if wd != 0 {
				d = fma32(wd, x[j], d)
			}
			if buf != nil {
				if fresh {
					buf[j] = d
				} else {
					buf[j] = fma32(keep, d, buf[j]*mu)
				}
				if o.cfg.Nesterov {
					d = fma32(mu, buf[j], d)
				} else {
					d = buf[j]
				}
			}
			x[j] = fma32(negLR, d, x[j])
		}
	}
}
