package checkpoint

import (
	"bytes"
	"io"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// benchTensors is 16 MiB of F32 parameters in a few tensors.
func benchTensors() map[string]*tensor.Tensor {
	g := tensor.NewRNG(3)
	return map[string]*tensor.Tensor{
		"a": tensor.Randn(g, 1024, 2048),
		"b": tensor.Randn(g, 2048, 1024),
		"c": tensor.Randn(g, 1024),
	}
}

func BenchmarkWrite(b *testing.B) {
	tensors := benchTensors()
	b.SetBytes(int64(4 * (2*1024*2048 + 1024)))
	for b.Loop() {
		if err := Write(io.Discard, tensors, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	var buf bytes.Buffer
	if err := Write(&buf, benchTensors(), nil); err != nil {
		b.Fatal(err)
	}
	in := buf.Bytes()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, _, err := Read(bytes.NewReader(in), int64(len(in))); err != nil {
			b.Fatal(err)
		}
	}
}
