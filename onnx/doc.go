// Package onnx writes the networks of trained gibbs models as ONNX files
// (https://onnx.ai), so that ONNX Runtime, and the servers built on it
// (Triton, KServe), run them on other machines and accelerators.
//
// A model family describes what to export as a train.Network: nn layers
// applied in order to a batch of samples. Marshal translates the layers
// into ONNX operators of opset 17 and the weights into initializers, and
// encodes the model (IR version 8) in the protobuf wire format directly,
// with no protobuf library. The batch dimension of the input and output is
// the symbolic "N". The export is deterministic: the same weights give the
// same bytes.
//
// The layers it knows: Sequential, Linear, Conv2d, ConvTranspose2d,
// LayerNorm, BatchNorm (with its running statistics, as in evaluation),
// Dropout (the identity, as in evaluation), Unflatten, Flatten, Identity,
// the activations ReLU, LeakyReLU, ELU, GELU (the exact form, as Erf),
// SiLU, Tanh, Sigmoid and Softplus; and for transformers Embedding (its
// ids given as float numbers, cast to int64), LearnedPositional,
// MultiHeadAttention (self-attention without masks), TransformerEncoderLayer
// (pre- and post-norm) and TransformerEncoder.
package onnx
