package optim

import "github.com/gibbsml/gibbs/tensor"

// RMSpropConfig holds the hyper-parameters of RMSprop. Start from
// DefaultRMSpropConfig: a zero field means zero, not "default".
type RMSpropConfig struct {
	LR          float64 // learning rate, >= 0
	Alpha       float64 // decay of the squared-gradient average, >= 0
	Eps         float64 // added to the denominator, >= 0
	Momentum    float64 // momentum factor, >= 0; 0 disables momentum
	Centered    bool    // normalise by the estimated variance instead of the second moment
	WeightDecay float64 // L2 penalty, added to the gradient; >= 0
}

// DefaultRMSpropConfig returns PyTorch's defaults for torch.optim.RMSprop:
// lr 1e-2, alpha 0.99, eps 1e-8, no momentum, not centered, no weight decay.
func DefaultRMSpropConfig() RMSpropConfig {
	return RMSpropConfig{LR: 1e-2, Alpha: 0.99, Eps: 1e-8}
}

// RMSprop divides the gradient by a running root mean square of recent
// gradients (Hinton, Neural Networks for Machine Learning, lecture 6e;
// centered form from Graves 2013). It updates like torch.optim.RMSprop:
//
//	g = grad + wd*p
//	s = alpha*s + (1-alpha)*g*g
//	a = sqrt(s) + eps, or centered: ga = alpha*ga + (1-alpha)*g, a = sqrt(s - ga*ga) + eps
//	with momentum mu: b = mu*b + g/a, p = p - lr*b; else p = p - lr*g/a
//
// Its state is "<i>.step", "<i>.square_avg" and, when enabled,
// "<i>.momentum_buffer" and "<i>.grad_avg".
type RMSprop struct {
	base
	cfg RMSpropConfig
}

// NewRMSprop returns an RMSprop optimizer over params, or an error naming
// the first invalid hyper-parameter.
func NewRMSprop(params []*tensor.Tensor, cfg RMSpropConfig) (*RMSprop, error) {
	const name = "RMSprop"
	if err := firstErr(
		checkNonNeg(name, "alpha", cfg.Alpha),
		checkNonNeg(name, "eps", cfg.Eps),
		checkNonNeg(name, "momentum", cfg.Momentum),
		checkNonNeg(name, "weight decay", cfg.WeightDecay),
	); err != nil {
		return nil, err
	}
	bufs := []string{"square_avg"}
	if cfg.Momentum > 0 {
		bufs = append(bufs, "momentum_buffer")
	}
	if cfg.Centered {
		bufs = append(bufs, "grad_avg")
	}
	b, err := newBase(name, params, cfg.LR, true, bufs...)
	if err != nil {
		return nil, err
	}
	return &RMSprop{base: b, cfg: cfg}, nil
}

// Step updates every parameter that has a gradient.
func (o *RMSprop) Step() {
	c := o.cfg
	alpha, keep := float32(c.Alpha), float32(1-c.Alpha)
	eps, wd, mu := float32(c.Eps), float32(c.WeightDecay), float32(c.Momentum)
	negLR := float32(-o.lr)
	for i, p := range o.params {
		g := o.grad(i)
		if g == nil {
			continue
		}
		x := p.Data()
		bufs, _ := o.slot(i, len(x))
		o.steps[i]++
		sq, rest := bufs[0], bufs[1:]
		var mom, avg []float32
		if c.Momentum > 0 {
			mom, rest = rest[0], rest[1:]
		}
		if c.Centered {
			avg = rest[0]
		}
		for j, gj := range g {
			if wd != 0 {
				gj = fma32(wd, x[j], gj)
			}
			sq[j] = fma32(keep*gj, gj, sq[j]*alpha)
			var a float32
			if avg != nil {
				avg[j] = fma32(keep, gj, avg[j]*alpha)
				a = sqrt32(fma32(-avg[j], avg[j], sq[j]))
			} else {
				a = sqrt32(sq[j])
			}
			a += eps
			if mom != nil {
				// The conversion keeps the product rounded, as in
				// PyTorch's separate mul_ and addcdiv_.
				mom[j] = float32(mom[j]*mu) + gj/a
				x[j] = fma32(negLR, mom[j], x[j])
			} else {
				x[j] += negLR * gj / a
			}
		}
	}
}
