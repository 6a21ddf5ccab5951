package onnx

import (
	"fmt"
	"math"
	"strconv"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// value is a tensor of the graph being built, with the value gibbs
// computes for it on a probe batch: its shape tells the translation of
// the next layer what it gets.
type value struct {
	name  string
	probe *tensor.Tensor
}

// add appends a node of op on the inputs and returns the name of its
// output.
func (g *graph) add(op string, in []string, attrs ...attr) string {
	out := "v" + strconv.Itoa(len(g.nodes))
	g.nodes = append(g.nodes, node{name: op + "_" + strconv.Itoa(len(g.nodes)), op: op, in: in, out: []string{out}, attrs: attrs})
	return out
}

// addN appends a node of op with n outputs and returns their names.
func (g *graph) addN(op string, in []string, n int, attrs ...attr) []string {
	at := strconv.Itoa(len(g.nodes))
	out := make([]string, n)
	for i := range out {
		out[i] = "v" + at + "_" + strconv.Itoa(i)
	}
	g.nodes = append(g.nodes, node{name: op + "_" + at, op: op, in: in, out: out, attrs: attrs})
	return out
}

// init adds an initializer and returns its name, which must be new.
func (g *graph) init(t initializer) (string, error) {
	for _, u := range g.inits {
		if u.name == t.name {
			return "", fmt.Errorf("onnx: two tensors named %q", t.name)
		}
	}
	g.inits = append(g.inits, t)
	return t.name, nil
}

// weights adds the parameters ts (nil ones left out) under the names
// prefix+names[i] and returns the names of those added.
func (g *graph) weights(prefix string, names []string, ts ...*tensor.Tensor) ([]string, error) {
	var out []string
	for i, t := range ts {
		if t == nil {
			continue
		}
		name, err := g.init(initializer{name: prefix + names[i], dims: t.Shape(), floats: t.Data()})
		if err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, nil
}

// filled adds a float tensor of n copies of v named after the node that
// reads it.
func (g *graph) filled(name string, n int, v float32) (string, error) {
	fs := make([]float32, n)
	for i := range fs {
		fs[i] = v
	}
	return g.init(initializer{name: name, dims: []int{n}, floats: fs})
}

// scalar adds a float scalar named after the node that reads it.
func (g *graph) scalar(name string, v float32) (string, error) {
	return g.init(initializer{name: name, dims: []int{}, floats: []float32{v}})
}

// reshape adds a Reshape of x to shape (0 keeps that dimension of x).
func (g *graph) reshape(x string, shape ...int64) (string, error) {
	s, err := g.init(initializer{name: "shape_" + strconv.Itoa(len(g.nodes)), dims: []int{len(shape)}, int64s: shape})
	if err != nil {
		return "", err
	}
	return g.add("Reshape", []string{x, s}), nil
}

// layer adds l applied to x, naming its weights with prefix, and returns
// its output.
func (g *graph) layer(prefix string, l nn.Layer, x value) (value, error) {
	if s, ok := l.(*nn.Sequential); ok {
		for i, c := range s.Layers {
			var err error
			if x, err = g.layer(prefix+strconv.Itoa(i)+".", c, x); err != nil {
				return value{}, err
			}
		}
		return x, nil
	}
	name, err := g.leaf(prefix, l, x.name, x.probe.Shape())
	if err != nil {
		return value{}, err
	}
	return value{name: name, probe: l.Forward(x.probe).DetachRelease()}, nil
}

// leaf adds the nodes of a layer that is not a Sequential, applied to x
// of the given shape (that of the probe batch).
func (g *graph) leaf(prefix string, l nn.Layer, x string, shape []int) (string, error) {
	in, rank := []string{x}, len(shape)
	switch l := l.(type) {
	case *nn.Linear:
		return g.linear(prefix, l.Weight, l.Bias, x, rank)
	case *nn.Embedding:
		w, err := g.weights(prefix, []string{"weight"}, l.Weight)
		if err != nil {
			return "", err
		}
		return g.add("Gather", []string{w[0], g.add("Cast", in, intAttr("to", typeInt64))}), nil
	case *nn.LearnedPositional:
		return g.positions(prefix, l, x)
	case *nn.MultiHeadAttention:
		return g.selfAttention(prefix, l, x, "")
	case *nn.TransformerEncoderLayer:
		return g.encoderLayer(prefix, l, x, "")
	case *nn.TransformerEncoder:
		return g.encoder(prefix, l, x, shape)
	case *nn.Conv2d:
		ws, err := g.weights(prefix, []string{"weight", "bias"}, l.Weight, l.Bias)
		if err != nil {
			return "", err
		}
		return g.add("Conv", append(in, ws...), convAttrs(l.Weight, l.Geom)...), nil
	case *nn.ConvTranspose2d:
		ws, err := g.weights(prefix, []string{"weight", "bias"}, l.Weight, l.Bias)
		if err != nil {
			return "", err
		}
		attrs := append(convAttrs(l.Weight, l.Geom), intsAttr("output_padding", int64(l.OutPadH), int64(l.OutPadW)))
		return g.add("ConvTranspose", append(in, ws...), attrs...), nil
	case *nn.LayerNorm:
		return g.layerNorm(prefix, l, x)
	case *nn.BatchNorm:
		ws, err := g.affine(prefix, l.Weight, l.Bias, l.RunningMean.Shape())
		if err != nil {
			return "", err
		}
		stats, err := g.weights(prefix, []string{"running_mean", "running_var"}, l.RunningMean, l.RunningVar)
		if err != nil {
			return "", err
		}
		return g.add("BatchNormalization", append(append(in, ws...), stats...), floatAttr("epsilon", l.Eps), floatAttr("momentum", 1-l.Momentum)), nil
	case *nn.Dropout:
		return g.add("Identity", in), nil
	case *nn.Unflatten:
		shape := []int64{0}
		for _, d := range l.Shape {
			shape = append(shape, int64(d))
		}
		return g.reshape(x, shape...)
	case *nn.Func:
		return g.activation(prefix, l, x)
	case *nn.Quadratic:
		return g.quadratic(l, x, shape)
	}
	return "", fmt.Errorf("onnx: layer %s%T has no ONNX form here", prefix, l)
}

// linear adds x w^T + b (b nil for none) for x of the given rank: a Gemm
// for [N, D], a MatMul by the transposed weight otherwise.
func (g *graph) linear(prefix string, w, b *tensor.Tensor, x string, rank int) (string, error) {
	ws, err := g.weights(prefix, []string{"weight", "bias"}, w, b)
	if err != nil {
		return "", err
	}
	return g.affineNodes(x, ws, rank), nil
}

// affineNodes adds x w^T + b for the initializers ws: w and, if there,
// b.
func (g *graph) affineNodes(x string, ws []string, rank int) string {
	if rank == 2 {
		return g.add("Gemm", append([]string{x}, ws...), intAttr("transB", 1))
	}
	y := g.add("MatMul", []string{x, g.add("Transpose", ws[:1], intsAttr("perm", 1, 0))})
	if len(ws) > 1 {
		y = g.add("Add", []string{y, ws[1]})
	}
	return y
}

// layerNorm adds a LayerNorm applied to x.
func (g *graph) layerNorm(prefix string, l *nn.LayerNorm, x string) (string, error) {
	ws, err := g.affine(prefix, l.Weight, l.Bias, l.Shape)
	if err != nil {
		return "", err
	}
	return g.add("LayerNormalization", append([]string{x}, ws...), intAttr("axis", int64(-len(l.Shape))), floatAttr("epsilon", l.Eps)), nil
}

// affine returns the names of a normalisation's scale and bias: its
// weights, or ones and zeros of the given shape when it has none.
func (g *graph) affine(prefix string, w, b *tensor.Tensor, shape []int) ([]string, error) {
	if w != nil {
		return g.weights(prefix, []string{"weight", "bias"}, w, b)
	}
	n := 1
	for _, d := range shape {
		n *= d
	}
	ones, err := g.filled(prefix+"ones", n, 1)
	if err != nil {
		return nil, err
	}
	zeros, err := g.filled(prefix+"zeros", n, 0)
	if err != nil {
		return nil, err
	}
	if len(shape) != 1 {
		return nil, fmt.Errorf("onnx: %snormalisation without weights over shape %v: only one axis is exported", prefix, shape)
	}
	return []string{ones, zeros}, nil
}

// convAttrs returns the attributes of a Conv or ConvTranspose with weight
// w and geometry geom.
func convAttrs(w *tensor.Tensor, geom tensor.ConvGeom) []attr {
	s := w.Shape()
	return []attr{
		intsAttr("kernel_shape", int64(s[2]), int64(s[3])),
		intsAttr("strides", int64(max(geom.StrideH, 1)), int64(max(geom.StrideW, 1))),
		intsAttr("pads", int64(geom.PadH), int64(geom.PadW), int64(geom.PadH), int64(geom.PadW)),
		intsAttr("dilations", int64(max(geom.DilationH, 1)), int64(max(geom.DilationW, 1))),
	}
}

// activation adds the nodes of a parameter-free layer, known by its name.
func (g *graph) activation(prefix string, f *nn.Func, x string) (string, error) {
	in := []string{x}
	switch f.Name {
	case "ReLU":
		return g.add("Relu", in), nil
	case "LeakyReLU":
		return g.add("LeakyRelu", in, floatAttr("alpha", f.Alpha)), nil
	case "ELU":
		return g.add("Elu", in, floatAttr("alpha", f.Alpha)), nil
	case "Tanh", "Sigmoid", "Softplus", "Identity":
		return g.add(f.Name, in), nil
	case "Flatten":
		return g.add("Flatten", in, intAttr("axis", 1)), nil
	case "SiLU":
		return g.add("Mul", []string{x, g.add("Sigmoid", in)}), nil
	case "GELU":
		// x * (1 + erf(x / sqrt 2)) / 2: opset 17 has no Gelu.
		at := "gelu_" + strconv.Itoa(len(g.nodes)) + "."
		root2, err := g.scalar(at+"sqrt2", math.Sqrt2)
		if err != nil {
			return "", err
		}
		one, err := g.scalar(at+"one", 1)
		if err != nil {
			return "", err
		}
		half, err := g.scalar(at+"half", 0.5)
		if err != nil {
			return "", err
		}
		erf := g.add("Erf", []string{g.add("Div", []string{x, root2})})
		return g.add("Mul", []string{g.add("Mul", []string{x, g.add("Add", []string{erf, one})}), half}), nil
	}
	return "", fmt.Errorf("onnx: layer %s%s has no ONNX form here", prefix, f.Name)
}

// quadratic adds the quadratic features of x [N, D]: Concat(x, s (x*x,
// x_i*x_j for each pair i < j)), the columns of the pairs split from x.
func (g *graph) quadratic(q *nn.Quadratic, x string, shape []int) (string, error) {
	if len(shape) != 2 {
		return "", fmt.Errorf("onnx: Quadratic of inputs of shape %v, want [N, D]", shape)
	}
	d := shape[1]
	var cols []string
	if d > 1 { // one input has no pairs
		cols = g.addN("Split", []string{x}, d, intAttr("axis", 1))
	}
	terms := []string{g.add("Mul", []string{x, x})}
	for i := 0; i < d; i++ {
		for j := i + 1; j < d; j++ {
			terms = append(terms, g.add("Mul", []string{cols[i], cols[j]}))
		}
	}
	scale, err := g.scalar("quadratic_"+strconv.Itoa(len(g.nodes))+".scale", q.Scale)
	if err != nil {
		return "", err
	}
	scaled := g.add("Mul", []string{g.add("Concat", terms, intAttr("axis", 1)), scale})
	return g.add("Concat", []string{x, scaled}, intAttr("axis", 1)), nil
}
