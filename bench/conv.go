package bench

import (
	"github.com/gibbsml/gibbs/gan"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// dcganCase is the DCGAN of Radford et al. 2016 on 28x28 images, built by
// package gan with 64 and 128 channels, trained as ganCase with codes of
// size 100 and batches of 64. gan.DCGAN leaves out the bias of the
// generator's first Linear, which the BatchNorm after it cancels (its
// gradient is zero), and draws the weights from N(0, 0.02); the reference
// keeps the bias and PyTorch's default initialisation.
func dcganCase(d *Data) *Case {
	const zdim, bsz = 100, 64
	rng := tensor.NewRNG(8)
	arch := gan.DCGAN{Shape: []int{1, 28, 28}, Channels: [2]int{64, 128}}
	return ganStepCase(rng, arch.Generator(rng, zdim), arch.Discriminator(rng, 1), zdim, tanhImages(d, bsz),
		"G z100-fc 6272 BN ReLU-(128,7,7)-convT 4x4 s2 ->64 BN ReLU-convT 4x4 s2 ->1 tanh; "+
			"D conv 4x4 s2 1->64 LReLU(0.2)-conv 4x4 s2 ->128 BN LReLU-fc 6272->1; "+
			"BCE-with-logits non-saturating, Adam(2e-4, 0.5, 0.999); "+
			"1 iter = 1 D step (64 real + 64 fake) + 1 G step (same z); "+
			"gan.DCGAN: no bias before the first BN, N(0, 0.02) init")
}

// convAECase is a convolutional autoencoder of 28x28 images with a code
// of 32: two 3x3 stride-2 convolutions down to 64x7x7, Linear layers to
// the code and back, two 3x3 stride-2 transposed convolutions up, sigmoid
// output, BCE. It is built from nn layers here, as package ae's conv nets
// use 4x4 kernels and no activation between encoder and code.
func convAECase(d *Data) *Case {
	rng := tensor.NewRNG(9)
	down := nn.ConvSpec{Kernel: 3, Stride: 2, Padding: 1}
	up := nn.ConvSpec{Kernel: 3, Stride: 2, Padding: 1, OutputPadding: 1}
	model := nn.NewSequential(
		nn.NewConv2d(rng, 1, 32, down), nn.ReLU(),
		nn.NewConv2d(rng, 32, 64, down), nn.ReLU(),
		nn.Flatten(), nn.NewLinear(rng, 64*7*7, 32, true),
		nn.NewLinear(rng, 32, 64*7*7, true), nn.ReLU(), &nn.Unflatten{Shape: []int{64, 7, 7}},
		nn.NewConvTranspose2d(rng, 64, 32, up), nn.ReLU(),
		nn.NewConvTranspose2d(rng, 32, 1, up), nn.Sigmoid(),
	)
	opt := newAdam(1e-3, 0.9, model)
	next := cycle(images(d))
	step := func() float32 {
		x := next().X
		return trainStep(opt, func() *tensor.Tensor { return nn.BCELoss(model.Forward(x), x) })
	}
	return imageCase(step, model, "enc conv 3x3 s2 p1 1->32 ReLU, conv 3x3 s2 p1 32->64 ReLU, fc 3136->32; "+
		"dec fc 32->3136 ReLU, convT 3x3 s2 p1 op1 64->32 ReLU, convT 32->1 sigmoid; "+
		"BCE(mean); Adam lr 1e-3")
}
