package nn_test

import (
	"fmt"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// benchLayer times a forward and backward pass of l on x. Whole training
// steps of the reference models are benchmarked in package bench.
func benchLayer(b *testing.B, l nn.Layer, x *tensor.Tensor) {
	x.SetRequiresGrad(true)
	wrt := append([]*tensor.Tensor{x}, nn.Tensors(l)...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		y := l.Forward(x).Sum()
		gs := tensor.Grad(y, wrt...)
		y.Release()
		for _, g := range gs {
			g.Recycle()
		}
	}
}

// An MNIST-sized batch of 32 images.
func BenchmarkConv2d(b *testing.B) {
	benchLayer(b, nn.NewConv2d(tensor.NewRNG(1), 1, 16, nn.ConvSpec{Kernel: 3, Padding: 1}), randn(1, 1, 32, 1, 28, 28))
}

// convnet's two blocks of Conv2d, ReLU and MaxPool2d on a batch of 128.
func BenchmarkConvReLUMaxPool(b *testing.B) {
	rng := tensor.NewRNG(1)
	for _, s := range []struct{ c, o, side int }{{1, 32, 28}, {32, 64, 13}} {
		b.Run(fmt.Sprintf("%dto%d", s.c, s.o), func(b *testing.B) {
			block := nn.NewSequential(nn.NewConv2d(rng, s.c, s.o, nn.ConvSpec{Kernel: 3}), nn.ReLU(), nn.NewMaxPool2d(2, 0, 0))
			benchLayer(b, block, randn(1, 1, 128, s.c, s.side, s.side))
		})
	}
}

func BenchmarkConvTranspose2d(b *testing.B) {
	spec := nn.ConvSpec{Kernel: 4, Stride: 2, Padding: 1}
	benchLayer(b, nn.NewConvTranspose2d(tensor.NewRNG(1), 16, 8, spec), randn(1, 1, 32, 16, 14, 14))
}

func BenchmarkMaxPool2d(b *testing.B) {
	benchLayer(b, nn.NewMaxPool2d(2, 0, 0), randn(1, 1, 32, 16, 28, 28))
}

// BatchNorm2d on an MNIST-sized batch and on DCGAN's two feature maps.
func BenchmarkBatchNorm2d(b *testing.B) {
	for _, s := range []struct{ n, c, side int }{{32, 16, 28}, {64, 64, 14}, {64, 128, 7}} {
		b.Run(fmt.Sprintf("%dx%dx%d", s.n, s.c, s.side), func(b *testing.B) {
			benchLayer(b, nn.NewBatchNorm2d(s.c), randn(1, 1, s.n, s.c, s.side, s.side))
		})
	}
}

// BatchNorm1d on [N, C] inputs, as in the hidden layers of an MLP
// generator: every channel's values lie one row apart.
func BenchmarkBatchNorm1d(b *testing.B) {
	for _, s := range []struct{ n, c int }{{100, 400}, {128, 256}} {
		b.Run(fmt.Sprintf("%dx%d", s.n, s.c), func(b *testing.B) {
			benchLayer(b, nn.NewBatchNorm1d(s.c), randn(1, 1, s.n, s.c))
		})
	}
}

func BenchmarkLayerNorm(b *testing.B) {
	benchLayer(b, nn.NewLayerNorm(128), randn(1, 1, 32, 64, 128))
}

func BenchmarkAvgPool2d(b *testing.B) {
	benchLayer(b, nn.NewAvgPool2d(2, 0, 0), randn(1, 1, 32, 16, 28, 28))
}

// Multi-head self-attention at the shapes of the bench workloads
// transformer (32 sequences of 64 positions, 128 features, 4 heads) and
// transformer_reverse (128 of 16, 64 features, 4 heads).
func BenchmarkSelfAttention(b *testing.B) {
	for _, s := range []struct{ b, t, e, h int }{{32, 64, 128, 4}, {128, 16, 64, 4}} {
		b.Run(fmt.Sprintf("%dx%dx%d", s.b, s.t, s.e), func(b *testing.B) {
			benchLayer(b, nn.NewMultiHeadAttention(tensor.NewRNG(1), s.e, s.h, 0, true), randn(1, 1, s.b, s.t, s.e))
		})
	}
}

// The reconstruction losses of the bench workloads mlp_ae (BCELoss on
// probabilities) and vae (BCEWithLogitsLoss summed), on a batch of 128
// MNIST-sized images.
func BenchmarkBCELoss(b *testing.B) {
	p := randn(1, 1, 128, 784).Sigmoid()
	t := randn(2, 1, 128, 784).Sigmoid()
	b.Run("probs", func(b *testing.B) {
		benchLoss(b, p, t, func(x, t *tensor.Tensor) *tensor.Tensor { return nn.BCELoss(x, t) })
	})
	b.Run("logits", func(b *testing.B) {
		benchLoss(b, randn(3, 1, 128, 784), t, func(x, t *tensor.Tensor) *tensor.Tensor { return nn.BCEWithLogitsLoss(x, t, nn.ReduceSum) })
	})
}

// benchLoss times a loss of x against t and its gradient with respect to x.
func benchLoss(b *testing.B, x, t *tensor.Tensor, loss func(x, t *tensor.Tensor) *tensor.Tensor) {
	x.SetRequiresGrad(true)
	for range b.N {
		y := loss(x, t)
		gs := tensor.Grad(y, x)
		y.Release()
		gs[0].Recycle()
	}
}
