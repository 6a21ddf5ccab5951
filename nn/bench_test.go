package nn_test

import (
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// benchLayer times a forward and backward pass of l on x.
func benchLayer(b *testing.B, l nn.Layer, x *tensor.Tensor) {
	x.SetRequiresGrad(true)
	wrt := append([]*tensor.Tensor{x}, nn.Tensors(l)...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tensor.Grad(l.Forward(x).Sum(), wrt...)
	}
}

// An MNIST-sized batch of 32 images.
func BenchmarkConv2d(b *testing.B) {
	benchLayer(b, nn.NewConv2d(tensor.NewRNG(1), 1, 16, nn.ConvSpec{Kernel: 3, Padding: 1}), randn(1, 1, 32, 1, 28, 28))
}

func BenchmarkConvTranspose2d(b *testing.B) {
	spec := nn.ConvSpec{Kernel: 4, Stride: 2, Padding: 1}
	benchLayer(b, nn.NewConvTranspose2d(tensor.NewRNG(1), 16, 8, spec), randn(1, 1, 32, 16, 14, 14))
}

func BenchmarkMaxPool2d(b *testing.B) {
	benchLayer(b, nn.NewMaxPool2d(2, 0, 0), randn(1, 1, 32, 16, 28, 28))
}

func BenchmarkBatchNorm2d(b *testing.B) {
	benchLayer(b, nn.NewBatchNorm2d(16), randn(1, 1, 32, 16, 28, 28))
}

// benchStep times step, a whole training step on batch samples, after one
// warm-up call, and reports samples per second.
func benchStep(b *testing.B, batch int, unit string, step func()) {
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		step()
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), unit)
}

// newAdam returns Adam with the default settings over m's parameters.
func newAdam(b *testing.B, m nn.Module) *optim.Adam {
	opt, err := optim.NewAdam(nn.Tensors(m), optim.DefaultAdamConfig())
	if err != nil {
		b.Fatal(err)
	}
	return opt
}

// BenchmarkConvNetStep times one training step of the reference LeNet-like
// network (conv 1->32 3x3, ReLU, max pool 2, conv 32->64 3x3, ReLU, max
// pool 2, fc 1600-128, ReLU, fc 128-10; cross-entropy, Adam) on a batch of
// 128 28x28 images.
func BenchmarkConvNetStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	model := nn.NewSequential(
		nn.NewConv2d(rng, 1, 32, nn.ConvSpec{Kernel: 3}), nn.ReLU(), nn.NewMaxPool2d(2, 0, 0),
		nn.NewConv2d(rng, 32, 64, nn.ConvSpec{Kernel: 3}), nn.ReLU(), nn.NewMaxPool2d(2, 0, 0),
		nn.Flatten(),
		nn.NewLinear(rng, 1600, 128, true), nn.ReLU(),
		nn.NewLinear(rng, 128, 10, true),
	)
	opt := newAdam(b, model)
	x := tensor.Rand(rng, 128, 1, 28, 28)
	y := tensor.Zeros(128)
	for i, d := 0, y.Data(); i < len(d); i++ {
		d[i] = float32(rng.IntN(10))
	}
	benchStep(b, 128, "samples/s", func() {
		opt.ZeroGrad()
		loss := nn.CrossEntropyLoss(model.Forward(x), y)
		loss.Backward()
		opt.Step()
		loss.Release()
	})
}

// BenchmarkTransformerStep times one training step of the reference
// post-norm encoder layer (d 128, 4 heads, feed-forward 512, no dropout;
// MSE to a random target, Adam) on a batch of 32 sequences of 64.
func BenchmarkTransformerStep(b *testing.B) {
	rng := tensor.NewRNG(1)
	layer := nn.NewTransformerEncoderLayer(rng, nn.TransformerConfig{DModel: 128, NHead: 4, DimFeedforward: 512})
	opt := newAdam(b, layer)
	x, y := tensor.Randn(rng, 32, 64, 128), tensor.Randn(rng, 32, 64, 128)
	benchStep(b, 32, "seqs/s", func() {
		opt.ZeroGrad()
		loss := nn.MSELoss(layer.Forward(x), y)
		loss.Backward()
		opt.Step()
		loss.Release()
	})
}

func BenchmarkLayerNorm(b *testing.B) {
	benchLayer(b, nn.NewLayerNorm(128), randn(1, 1, 32, 64, 128))
}

func BenchmarkAvgPool2d(b *testing.B) {
	benchLayer(b, nn.NewAvgPool2d(2, 0, 0), randn(1, 1, 32, 16, 28, 28))
}
