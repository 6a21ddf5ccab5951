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

// selfAttention adds unmasked multi-head self-attention of x [N, T, E].
func (g *graph) selfAttention(prefix string, m *nn.MultiHeadAttention, x string) (string, error) {
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
	weights := g.add("Softmax", []string{g.add("Mul", []string{g.add("MatMul", []string{q, kT}), scale})}, intAttr("axis", -1))
	joined, err := g.ints("join", 0, 0, int64(e))
	if err != nil {
		return "", err
	}
	heads2 := g.add("Transpose", []string{g.add("MatMul", []string{weights, v})}, intsAttr("perm", 0, 2, 1, 3))
	return g.linear(prefix+"out_proj.", m.OutProj.Weight, m.OutProj.Bias, g.add("Reshape", []string{heads2, joined}), 3)
}

// encoderLayer adds a transformer encoder layer, without masks, applied
// to x [N, T, E]: pre-norm or post-norm as the layer is.
func (g *graph) encoderLayer(prefix string, l *nn.TransformerEncoderLayer, x string) (string, error) {
	norm := func(name string, n *nn.LayerNorm, h string) (string, error) { return g.leaf(prefix+name+".", n, h, 3) }
	attend := func(h string) (string, error) { return g.selfAttention(prefix+"self_attn.", l.SelfAttn, h) }
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
