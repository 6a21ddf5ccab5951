package train

import "github.com/gibbsml/gibbs/nn"

// Network is one feed-forward network of a trained model, described for
// exporters (gibbs export onnx): layers applied in order to a batch of
// shape [N, Input...]. In and Out name its input and output, as a user
// of the exported file feeds and reads them.
type Network struct {
	Name    string // what it computes: "energy", "encoder", "decoder", ...
	In, Out string
	Input   []int // the shape of one sample
	// Layers are applied in order; each Module is an nn.Layer, and its
	// Name the prefix of its weights' names in the checkpoint ("encoder";
	// "" for none), which exporters keep.
	Layers []nn.Child
	// PerSample marks a network whose output, [N, 1], is one number per
	// sample (an energy): exporters write it as [N].
	PerSample bool
}

// Networks is a trained model made of feed-forward networks that can be
// exported, the first the one a user most likely wants. A model family
// adds a kind to gibbs export by implementing it: the description is in
// nn's layers, so the family needs to know nothing of the file formats.
type Networks interface {
	Networks() []Network
}
