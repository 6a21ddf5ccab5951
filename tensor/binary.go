package tensor

// binary applies f element-wise with broadcasting and records backward,
// whose per-operand gradients have the broadcast shape; they are reduced to
// the operands' shapes here.
func binary(op string, a, b *Tensor, f func(x, y float32) float32, backward func(g *Tensor) (ga, gb *Tensor)) *Tensor {
	var out *Tensor
	switch {
	case sameShape(a.shape, b.shape):
		out = Zeros(a.shape...)
		ad, bd := a.data, b.data[:len(a.data)]
		for i := range out.data {
			out.data[i] = f(ad[i], bd[i])
		}
	case len(b.data) == 1 && len(b.shape) <= len(a.shape):
		out = Zeros(a.shape...)
		y := b.data[0]
		for i, x := range a.data {
			out.data[i] = f(x, y)
		}
	default:
		shape := broadcastShape(op, a.shape, b.shape)
		out = Zeros(shape...)
		ad, bd := a.data, b.data
		forEach2(shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape), func(i, ia, ib int) {
			out.data[i] = f(ad[ia], bd[ib])
		})
	}
	if backward == nil {
		return out
	}
	as, bs := a.shape, b.shape
	return record(out, op, []*Tensor{a, b}, func(g *Tensor) []*Tensor {
		ga, gb := backward(g)
		if ga != nil {
			ga = ga.SumTo(as...)
		}
		if gb != nil {
			gb = gb.SumTo(bs...)
		}
		return []*Tensor{ga, gb}
	})
}

// Add returns t + u.
func (t *Tensor) Add(u *Tensor) *Tensor {
	return binary("Add", t, u, func(x, y float32) float32 { return x + y },
		func(g *Tensor) (*Tensor, *Tensor) { return g, g })
}

// Sub returns t - u.
func (t *Tensor) Sub(u *Tensor) *Tensor {
	return binary("Sub", t, u, func(x, y float32) float32 { return x - y },
		func(g *Tensor) (*Tensor, *Tensor) { return g, g.Neg() })
}

// Mul returns the element-wise product t * u.
func (t *Tensor) Mul(u *Tensor) *Tensor {
	return binary("Mul", t, u, func(x, y float32) float32 { return x * y },
		func(g *Tensor) (*Tensor, *Tensor) { return g.Mul(u), g.Mul(t) })
}

// Div returns the element-wise quotient t / u.
func (t *Tensor) Div(u *Tensor) *Tensor {
	return binary("Div", t, u, func(x, y float32) float32 { return x / y },
		func(g *Tensor) (*Tensor, *Tensor) {
			gu := g.Div(u)
			return gu, gu.Mul(t).Div(u).Neg()
		})
}

// Maximum returns the element-wise larger of t and u. Where they tie the
// gradient is split evenly.
func (t *Tensor) Maximum(u *Tensor) *Tensor {
	return binary("Maximum", t, u, func(x, y float32) float32 { return max(x, y) },
		func(g *Tensor) (*Tensor, *Tensor) { return splitTie(g, t, u) })
}

// Minimum returns the element-wise smaller of t and u. Where they tie the
// gradient is split evenly.
func (t *Tensor) Minimum(u *Tensor) *Tensor {
	return binary("Minimum", t, u, func(x, y float32) float32 { return min(x, y) },
		func(g *Tensor) (*Tensor, *Tensor) { return splitTie(g, u, t) })
}

// splitTie routes g to hi where hi > lo, to lo where lo > hi, half each on a tie.
func splitTie(g, hi, lo *Tensor) (*Tensor, *Tensor) {
	w := binary("select", hi, lo, func(x, y float32) float32 {
		switch {
		case x > y:
			return 1
		case x < y:
			return 0
		}
		return 0.5
	}, nil)
	return g.Mul(w), g.Mul(w.OneMinus())
}

// Gt returns 1 where t > u and 0 elsewhere. Comparisons are not differentiable.
func (t *Tensor) Gt(u *Tensor) *Tensor {
	return compare("Gt", t, u, func(x, y float32) bool { return x > y })
}

// Ge returns 1 where t >= u and 0 elsewhere.
func (t *Tensor) Ge(u *Tensor) *Tensor {
	return compare("Ge", t, u, func(x, y float32) bool { return x >= y })
}

// Lt returns 1 where t < u and 0 elsewhere.
func (t *Tensor) Lt(u *Tensor) *Tensor {
	return compare("Lt", t, u, func(x, y float32) bool { return x < y })
}

// Le returns 1 where t <= u and 0 elsewhere.
func (t *Tensor) Le(u *Tensor) *Tensor {
	return compare("Le", t, u, func(x, y float32) bool { return x <= y })
}

// Eq returns 1 where t == u and 0 elsewhere.
func (t *Tensor) Eq(u *Tensor) *Tensor {
	return compare("Eq", t, u, func(x, y float32) bool { return x == y })
}

func compare(op string, a, b *Tensor, f func(x, y float32) bool) *Tensor {
	return binary(op, a, b, func(x, y float32) float32 {
		if f(x, y) {
			return 1
		}
		return 0
	}, nil)
}

// Where returns a where cond is non-zero and b elsewhere, broadcasting all
// three. The gradient flows to a and b, never to cond.
func Where(cond, a, b *Tensor) *Tensor {
	shape := broadcastShape("Where", broadcastShape("Where", cond.shape, a.shape), b.shape)
	c := cond.Detach().BroadcastTo(shape...)
	at, bt := a.BroadcastTo(shape...), b.BroadcastTo(shape...)
	out := Zeros(shape...)
	for i, cv := range c.data {
		if cv != 0 {
			out.data[i] = at.data[i]
		} else {
			out.data[i] = bt.data[i]
		}
	}
	return record(out, "Where", []*Tensor{at, bt}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.Mul(c), g.Mul(c.OneMinus())}
	})
}
