package tensor

import "github.com/gibbsml/gibbs/internal/kernel"

// binary applies op element-wise with broadcasting and records backward,
// which receives the gradient of the result and the operands as the pass
// sees them; its per-operand gradients have the broadcast shape and are
// reduced to the operands' shapes here.
func binary(name string, op kernel.Op, a, b *Tensor, backward func(g, x, y *Tensor) (gx, gy *Tensor)) *Tensor {
	a.live(name)
	b.live(name)
	var out *Tensor
	switch {
	case sameShape(a.shape, b.shape):
		out = empty(a.shape)
		kernel.Map2(op, out.data, a.data, b.data)
	case len(b.data) == 1 && len(b.shape) <= len(a.shape):
		out = empty(a.shape)
		kernel.Map2Scalar(op, out.data, a.data, b.data[0], false)
	case len(a.data) == 1 && len(a.shape) <= len(b.shape):
		out = empty(b.shape)
		kernel.Map2Scalar(op, out.data, b.data, a.data[0], true)
	default:
		shape := broadcastShape(name, a.shape, b.shape)
		out = empty(shape)
		ad, bd, od := a.data, b.data, out.data
		walkRuns(shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape), func(i, ia, ib, n, da, db int) {
			switch {
			case da == 1 && db == 1:
				kernel.Map2(op, od[i:i+n], ad[ia:ia+n], bd[ib:ib+n])
			case da == 1 && db == 0:
				kernel.Map2Scalar(op, od[i:i+n], ad[ia:ia+n], bd[ib], false)
			case da == 0 && db == 1:
				kernel.Map2Scalar(op, od[i:i+n], bd[ib:ib+n], ad[ia], true)
			default:
				for j := range n {
					kernel.Map2(op, od[i+j:i+j+1], ad[ia+j*da:], bd[ib+j*db:])
				}
			}
		})
	}
	if backward == nil {
		return out
	}
	as, bs := a.shape, b.shape
	return record(out, name, []*Tensor{a, b}, func(bp *Backprop) []*Tensor {
		start := allocs.Load()
		ga, gb := backward(bp.Grad, bp.In[0], bp.In[1])
		free := !bp.Recorded()
		return []*Tensor{sumTo(ga, as, start, gb, free), sumTo(gb, bs, start, ga, free)}
	})
}

// sumTo reduces the gradient g (nil for none) of a broadcast operand to
// the operand's shape. When free is set (the backward pass is not
// recorded), a g made after start that the reduction replaced, and that
// does not share the buffer of the other operand's gradient other, is a
// temporary: its buffer goes back to the pool.
func sumTo(g *Tensor, shape []int, start uint64, other *Tensor, free bool) *Tensor {
	if g == nil {
		return nil
	}
	s := g.SumTo(shape...)
	o := g.owner()
	if s != g && free && o.pooled && o.gen > start && (other == nil || other.owner() != o) {
		o.release()
	}
	return s
}

// Add returns t + u.
func (t *Tensor) Add(u *Tensor) *Tensor {
	return binary("Add", kernel.Add, t, u,
		func(g, _, _ *Tensor) (*Tensor, *Tensor) { return g, g })
}

// Sub returns t - u.
func (t *Tensor) Sub(u *Tensor) *Tensor {
	return binary("Sub", kernel.Sub, t, u,
		func(g, _, _ *Tensor) (*Tensor, *Tensor) { return g, g.Neg() })
}

// Mul returns the element-wise product t * u.
func (t *Tensor) Mul(u *Tensor) *Tensor {
	return binary("Mul", kernel.Mul, t, u,
		func(g, x, y *Tensor) (*Tensor, *Tensor) { return g.Mul(y), g.Mul(x) })
}

// Div returns the element-wise quotient t / u.
func (t *Tensor) Div(u *Tensor) *Tensor {
	return binary("Div", kernel.Div, t, u,
		func(g, x, y *Tensor) (*Tensor, *Tensor) {
			gy := g.Div(y)
			return gy, gy.Mul(x).Div(y).Neg()
		})
}

// Maximum returns the element-wise larger of t and u. Where they tie the
// gradient is split evenly.
func (t *Tensor) Maximum(u *Tensor) *Tensor {
	return binary("Maximum", kernel.Max, t, u,
		func(g, x, y *Tensor) (*Tensor, *Tensor) { return splitTie(g, x, y) })
}

// Minimum returns the element-wise smaller of t and u. Where they tie the
// gradient is split evenly.
func (t *Tensor) Minimum(u *Tensor) *Tensor {
	return binary("Minimum", kernel.Min, t, u,
		func(g, x, y *Tensor) (*Tensor, *Tensor) { return splitTie(g, y, x) })
}

// splitTie routes g to hi where hi > lo, to lo where lo > hi, half each on a tie.
func splitTie(g, hi, lo *Tensor) (*Tensor, *Tensor) {
	w := binary("select", kernel.Select, hi, lo, nil)
	return g.Mul(w), g.Mul(w.OneMinus())
}

// Gt returns 1 where t > u and 0 elsewhere. Comparisons are not differentiable.
func (t *Tensor) Gt(u *Tensor) *Tensor {
	return binary("Gt", kernel.Gt, t, u, nil)
}

// Ge returns 1 where t >= u and 0 elsewhere.
func (t *Tensor) Ge(u *Tensor) *Tensor {
	return binary("Ge", kernel.Ge, t, u, nil)
}

// Lt returns 1 where t < u and 0 elsewhere.
func (t *Tensor) Lt(u *Tensor) *Tensor {
	return binary("Lt", kernel.Lt, t, u, nil)
}

// Le returns 1 where t <= u and 0 elsewhere.
func (t *Tensor) Le(u *Tensor) *Tensor {
	return binary("Le", kernel.Le, t, u, nil)
}

// Eq returns 1 where t == u and 0 elsewhere.
func (t *Tensor) Eq(u *Tensor) *Tensor {
	return binary("Eq", kernel.Eq, t, u, nil)
}

// Where returns a where cond is non-zero and b elsewhere, broadcasting all
// three. The gradient flows to a and b, never to cond.
func Where(cond, a, b *Tensor) *Tensor {
	shape := broadcastShape("Where", broadcastShape("Where", cond.shape, a.shape), b.shape)
	c := cond.detached().BroadcastTo(shape...)
	at, bt := a.BroadcastTo(shape...), b.BroadcastTo(shape...)
	out := empty(shape)
	for i, cv := range c.data {
		if cv != 0 {
			out.data[i] = at.data[i]
		} else {
			out.data[i] = bt.data[i]
		}
	}
	return recordLinear(out, "Where", []*Tensor{at, bt}, func(g *Tensor) []*Tensor {
		return []*Tensor{g.Mul(c), g.Mul(c.OneMinus())}
	})
}
