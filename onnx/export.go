package onnx

import (
	"fmt"
	"io"

	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Marshal returns the ONNX model of net: one input named net.In of shape
// [N, net.Input...], one output named net.Out, its weights as
// initializers named as in the checkpoint ("decoder.0.weight", ...), and
// doc as the model's description. It returns an error naming the layer
// when a layer has no ONNX form or is in training mode.
func Marshal(net train.Network, doc string) ([]byte, error) {
	if len(net.Input) == 0 || net.In == "" || net.Out == "" || net.In == net.Out {
		return nil, fmt.Errorf("onnx: network %q needs an input shape and two different names for its input and output", net.Name)
	}
	g := &graph{name: net.Name, input: net.In, output: net.Out, inDims: net.Input}
	x := value{name: net.In, probe: tensor.Zeros(append([]int{1}, net.Input...)...)}
	for _, c := range net.Layers {
		l, ok := c.Module.(nn.Layer)
		if !ok {
			return nil, fmt.Errorf("onnx: network %q: %s (%T) is not a layer", net.Name, c.Name, c.Module)
		}
		prefix := ""
		if c.Name != "" {
			prefix = c.Name + "."
		}
		if err := checkEvaluation(prefix, l); err != nil {
			return nil, err
		}
		var err error
		if x, err = g.layer(prefix, l, x); err != nil {
			return nil, err
		}
	}
	if net.PerSample {
		if s := x.probe.Shape(); len(s) != 2 || s[1] != 1 {
			return nil, fmt.Errorf("onnx: network %q gives outputs of shape %v, not one number per sample", net.Name, s)
		}
		name, err := g.reshape(x.name, -1)
		if err != nil {
			return nil, err
		}
		x.name = name
		g.outDims = []int{}
	} else {
		g.outDims = x.probe.Shape()[1:]
	}
	if len(g.nodes) == 0 {
		x.name = g.add("Identity", []string{x.name})
	}
	last := &g.nodes[len(g.nodes)-1]
	last.out[0] = net.Out // nothing reads the last node's output
	return model(g, train.Version, doc), nil
}

// Write writes the ONNX model of net (see Marshal) to path, atomically.
func Write(path string, net train.Network, doc string) error {
	b, err := Marshal(net, doc)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// checkEvaluation returns an error naming the first layer of m that is in
// training mode where that changes its output (BatchNorm, Dropout with a
// rate): the export has the evaluation behaviour, and the probe batch
// that gives the shapes must not move running statistics or draw random
// numbers.
func checkEvaluation(prefix string, m nn.Module) error {
	training := false
	switch l := m.(type) {
	case *nn.BatchNorm:
		training = l.Training
	case *nn.Dropout:
		training = l.Training && l.P != 0
	}
	if training {
		return fmt.Errorf("onnx: layer %s%T is in training mode; switch the model to evaluation (nn.SetTraining(m, false)) before exporting it", prefix, m)
	}
	if p, ok := m.(nn.Parent); ok {
		for _, c := range p.Children() {
			if err := checkEvaluation(prefix+c.Name+".", c.Module); err != nil {
				return err
			}
		}
	}
	return nil
}
