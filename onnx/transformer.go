package onnx

import (
	"math"
	"strconv"

	"github.com/gibbsml/gibbs/nn"
)

// ints adds an int64 vector named after the node that reads it.
func (g *graph) ints(name string, vs ...int64) (string, error) {
	return g.init(initializer{name: name + "_" + strconv.Itoa(len(g.nodes)), dims: []int{len(vs)}, int64s: vs})
}

// positions adds x + weight[:T] for x [N, T, D], T read from x's shape.
func (g *graph) positions(prefix string, p *nn.LearnedPositional, x string) (string, error) {
	w, err := g.weights(prefix, []string{"weight"}, p.Weight)
	if err != nil {
		return "", err
	}
	zero, err := g.ints("zero", 0)
	if err != nil {
		return "", err
	}
	one, err := g.ints("one", 1)
	if err != nil {
		return "", err
	}
	two, err := g.ints("two", 2)
	if err != nil {
		return "", err
	}
	length := g.add("Slice", []string{g.add("Shape", []string{x}), one, two})
	return g.add("Add", []string{x, g.add("Slice", []string{w[0], zero, length, zero})}), nil
}

// selfAttention adds multi-head self-attention of x [N, T, E], under the
// additive mask [T, T] named mask ("" for none).
func (g *graph) selfAttention(prefix string, m *nn.MultiHeadAttention, x, mask string) (string, error) {
	e, h := m.EmbedDim, m.NumHeads
	d := e / h
	ws, err := g.weights(prefix, []string{"in_proj_weight", "in_proj_bias"}, m.InProjWeight, m.InProjBias)
	if err != nil {
		return "", err
	}
	qkv := g.addN("Split", []string{g.affineNodes(x, ws, 3)}, 3, intAttr("axis", 2))
	heads, err := g.ints("heads", 0, 0, int64(h), int64(d))
	if err != nil {
		return "", err
	}
	split := func(v string, perm ...int64) string {
		return g.add("Transpose", []string{g.add("Reshape", []string{v, heads})}, intsAttr("perm", perm...))
	}
	q, kT, v := split(qkv[0], 0, 2, 1, 3), split(qkv[1], 0, 2, 3, 1), split(qkv[2], 0, 2, 1, 3)
	scale, err := g.scalar(prefix+"scale", float32(1/math.Sqrt(float64(d))))
	if err != nil {
		return "", err
	}
	scores := g.add("Mul", []string{g.add("MatMul", []string{q, kT}), scale})
	if mask != "" {
		scores = g.add("Add", []string{scores, mask})
	}
	weights := g.add("Softmax", []string{scores}, intAttr("axis", -1))
	joined, err := g.ints("join", 0, 0, int64(e))
	if err != nil {
		return "", err
	}
	heads2 := g.add("Transpose", []string{g.add("MatMul", []string{weights, v})}, intsAttr("perm", 0, 2, 1, 3))
	return g.linear(prefix+"out_proj.", m.OutProj.Weight, m.OutProj.Bias, g.add("Reshape", []string{heads2, joined}), 3)
}

// encoder adds a transformer encoder applied to x of the given shape [N,
// T, E]; a causal one masks with a constant [T, T], so T is fixed.
func (g *graph) encoder(prefix string, e *nn.TransformerEncoder, x string, shape []int) (string, error) {
	mask := ""
	if e.Causal {
		var err error
		c := nn.CausalMask(shape[1], shape[1])
		if mask, err = g.init(initializer{name: prefix + "causal_mask", dims: c.Shape(), floats: c.Data()}); err != nil {
			return "", err
		}
	}
	for i, layer := range e.Layers {
		var err error
		if x, err = g.encoderLayer(prefix+"layers."+strconv.Itoa(i)+".", layer, x, mask); err != nil {
			return "", err
		}
	}
	if e.Norm == nil {
		return x, nil
	}
	return g.layerNorm(prefix+"norm.", e.Norm, x)
}

// encoderLayer adds a transformer encoder layer applied to x [N, T, E],
// its self-attention under the additive mask named mask ("" for none):
// pre-norm or post-norm as the layer is.
func (g *graph) encoderLayer(prefix string, l *nn.TransformerEncoderLayer, x, mask string) (string, error) {
	norm := func(name string, n *nn.LayerNorm, h string) (string, error) {
		return g.layerNorm(prefix+name+".", n, h)
	}
	attend := func(h string) (string, error) { return g.selfAttention(prefix+"self_attn.", l.SelfAttn, h, mask) }
	feedForward := func(h string) (string, error) {
		h, err := g.linear(prefix+"linear1.", l.Linear1.Weight, l.Linear1.Bias, h, 3)
		if err != nil {
			return "", err
		}
		if h, err = g.activation(prefix, l.Activation, h); err != nil {
			return "", err
		}
		return g.linear(prefix+"linear2.", l.Linear2.Weight, l.Linear2.Bias, h, 3)
	}
	for _, sub := range []struct {
		norm string
		n    *nn.LayerNorm
		f    func(string) (string, error)
	}{{"norm1", l.Norm1, attend}, {"norm2", l.Norm2, feedForward}} {
		if l.NormFirst {
			h, err := norm(sub.norm, sub.n, x)
			if err != nil {
				return "", err
			}
			if h, err = sub.f(h); err != nil {
				return "", err
			}
			x = g.add("Add", []string{x, h})
			continue
		}
		h, err := sub.f(x)
		if err != nil {
			return "", err
		}
		if x, err = norm(sub.norm, sub.n, g.add("Add", []string{x, h})); err != nil {
			return "", err
		}
	}
	return x, nil
}
