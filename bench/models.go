package bench

import (
	"fmt"

	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/gan"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// newAdam returns Adam over the parameters of ms with learning rate lr and
// betas (beta1, 0.999), the settings of every reference workload.
func newAdam(lr, beta1 float64, ms ...nn.Module) *optim.Adam {
	var ps []*tensor.Tensor
	for _, m := range ms {
		ps = append(ps, nn.Tensors(m)...)
	}
	cfg := optim.DefaultAdamConfig()
	cfg.LR, cfg.Beta1 = lr, beta1
	opt, err := optim.NewAdam(ps, cfg)
	if err != nil {
		panic(err) // the settings above are valid
	}
	return opt
}

// trainStep is one train.Step of opt on the loss: gradients cleared,
// back-propagated to opt's parameters only, the update, and the step's
// buffers handed back to the tensor pools. It returns the loss, and
// panics on a NaN or infinite one (train.Step then updates nothing), so
// that a diverging workload is never timed.
func trainStep(opt optim.Optimizer, loss func() *tensor.Tensor) float32 {
	v, err := train.Step(opt, loss())
	if err != nil {
		panic(fmt.Sprintf("bench: %v", err))
	}
	return float32(v)
}

// imageCase is a Case of a model trained on the staged image batches.
func imageCase(step func() float32, model nn.Module, desc string) *Case {
	return &Case{
		Step: step, Work: BatchSize, Unit: "samples/s",
		Extra: Record{{"model", desc}, {"batch", BatchSize}, {"params", nn.NumParams(model)}},
	}
}

// mlpAECase is the MLP autoencoder 784-256-64-256-784.
func mlpAECase(d *Data) *Case {
	rng := tensor.NewRNG(1)
	model := nn.NewSequential(
		nn.NewLinear(rng, 784, 256, true), nn.ReLU(),
		nn.NewLinear(rng, 256, 64, true), nn.ReLU(),
		nn.NewLinear(rng, 64, 256, true), nn.ReLU(),
		nn.NewLinear(rng, 256, 784, true), nn.Sigmoid(),
	)
	opt := newAdam(1e-3, 0.9, model)
	next := cycle(d.Batches)
	step := func() float32 {
		x := next().X
		return trainStep(opt, func() *tensor.Tensor { return nn.BCELoss(model.Forward(x), x) })
	}
	return imageCase(step, model, "784-256-64-256-784 ReLU, sigmoid out, BCE(mean), Adam lr 1e-3")
}

// vaeCase trains package ae's VAE in the shape of the reference script's:
// encoder 784-400-(20 mean, 20 log-variance) with ReLU, decoder 20-400-784
// giving Bernoulli logits, one z per sample, and the training objective
// of gibbs train vae (ae.ELBO with beta 1): BCE summed over the pixels
// plus the KL term, averaged over the batch.
func vaeCase(d *Data) *Case {
	cfg := ae.DefaultVAEConfig()
	cfg.Shape, cfg.Hidden, cfg.Seed = []int{784}, []int{400}, 2
	if err := cfg.Validate(); err != nil {
		panic(err) // the settings above are valid
	}
	model := ae.NewVAE(cfg)
	rng := tensor.NewRNG(2)
	opt := newAdam(1e-3, 0.9, model)
	elbo := ae.ELBO{Beta: 1}
	next := cycle(d.Batches)
	step := func() float32 {
		x := next().X
		return trainStep(opt, func() *tensor.Tensor {
			loss, _ := elbo.Loss(model, x, rng, 0)
			return loss
		})
	}
	return imageCase(step, model, "enc 784-400-(20 mu,20 logvar) ReLU, reparam, dec 20-400-784 ReLU/sigmoid; "+
		"BCE(sum)+KL per batch; Adam lr 1e-3")
}

// ganCase runs one discriminator and one non-saturating generator step
// per call (Goodfellow et al. 2014), on MLPs built by package gan.
func ganCase(d *Data) *Case {
	const zdim = 64
	rng := tensor.NewRNG(3)
	g := gan.MLP{Hidden: []int{256, 256}, Activation: func() nn.Layer { return nn.ReLU() }}.Build(rng, zdim, 784, nn.Tanh())
	dis := gan.MLP{Hidden: []int{256, 256}, Activation: func() nn.Layer { return nn.LeakyReLU(0.2) }}.Build(rng, 784, 1, nil)
	return ganStepCase(rng, g, dis, zdim, tanhImages(d, BatchSize),
		"G 64-256-256-784 ReLU/tanh, D 784-256-256-1 LeakyReLU(0.2), "+
			"BCE-with-logits non-saturating, Adam(2e-4, 0.5, 0.999); "+
			"1 iter = 1 D step (128 real + 128 fake) + 1 G step (same z)")
}

// tanhImages returns the first n images of each staged batch, [n, 784]
// scaled to tanh's range [-1, 1].
func tanhImages(d *Data, n int) []*tensor.Tensor {
	reals := make([]*tensor.Tensor, len(d.Batches))
	for i, b := range d.Batches {
		reals[i] = b.X.Narrow(0, 0, n).MulScalar(2).AddScalar(-1)
	}
	return reals
}

// ganStepCase is a GAN workload: each call takes one discriminator step on
// a batch of reals and as many fakes from N(0, 1) codes of size zdim, then
// one non-saturating generator step on the same fakes, both with BCE on
// logits and Adam(2e-4, 0.5, 0.999). Its loss is the discriminator's.
// The detached fakes and the codes go back to the tensor pools with the
// graphs of their last use (Adopt).
func ganStepCase(rng *tensor.RNG, g, dis nn.Layer, zdim int, reals []*tensor.Tensor, desc string) *Case {
	bsz := reals[0].Size(0)
	optG, optD := newAdam(2e-4, 0.5, g), newAdam(2e-4, 0.5, dis)
	next := cycle(reals)
	ones, zeros := tensor.Ones(bsz, 1), tensor.Zeros(bsz, 1)
	step := func() float32 {
		real := next()
		z := tensor.Randn(rng, bsz, zdim)
		fake := g.Forward(z)
		fakeD := fake.Detach()
		lossD := trainStep(optD, func() *tensor.Tensor {
			return nn.BCEWithLogitsLoss(dis.Forward(real), ones).
				Add(nn.BCEWithLogitsLoss(dis.Forward(fakeD), zeros)).Adopt(fakeD)
		})
		trainStep(optG, func() *tensor.Tensor { return nn.BCEWithLogitsLoss(dis.Forward(fake), ones).Adopt(z) })
		return lossD
	}
	return &Case{
		Step: step, Work: 1, Unit: "iters/s",
		Extra:  Record{{"model", desc}, {"batch", bsz}},
		Finish: func(med float64) (Record, error) { return Record{{"samples_per_s", float64(bsz) / med}}, nil },
	}
}

// transformerCase trains one post-norm encoder layer (Vaswani et al. 2017)
// to map random sequences to random targets under MSE.
func transformerCase(*Data) *Case {
	const bsz, seq, dm = 32, 64, 128
	rng := tensor.NewRNG(4)
	layer := nn.NewTransformerEncoderLayer(rng, nn.TransformerConfig{DModel: dm, NHead: 4, DimFeedforward: 512})
	opt := newAdam(1e-3, 0.9, layer)
	pairs := make([][2]*tensor.Tensor, 8)
	for i := range pairs {
		pairs[i] = [2]*tensor.Tensor{tensor.Randn(rng, bsz, seq, dm), tensor.Randn(rng, bsz, seq, dm)}
	}
	next := cycle(pairs)
	step := func() float32 {
		p := next()
		return trainStep(opt, func() *tensor.Tensor { return nn.MSELoss(layer.Forward(p[0]), p[1]) })
	}
	return &Case{
		Step: step, Work: bsz, Unit: "seqs/s",
		Extra: Record{
			{"impl", "nn.TransformerEncoderLayer (batch-first, dropout 0)"},
			{"model", "1 encoder layer d_model 128, 4 heads, ff 512 ReLU, post-norm, dropout 0; " +
				"MSE to random target; Adam lr 1e-3"},
			{"batch", bsz}, {"seq", seq},
		},
		Finish: func(med float64) (Record, error) {
			return Record{{"tokens_per_s", bsz * seq / med}, {"params", nn.NumParams(layer)}}, nil
		},
	}
}

// convnetCase is a LeNet-like classifier of 28x28 images (LeCun et al.
// 1998): two 3x3 convolutions with max pooling, then two dense layers.
func convnetCase(d *Data) *Case {
	rng := tensor.NewRNG(5)
	model := nn.NewSequential(
		nn.NewConv2d(rng, 1, 32, nn.ConvSpec{Kernel: 3}), nn.ReLU(), nn.NewMaxPool2d(2, 0, 0),
		nn.NewConv2d(rng, 32, 64, nn.ConvSpec{Kernel: 3}), nn.ReLU(), nn.NewMaxPool2d(2, 0, 0),
		nn.Flatten(),
		nn.NewLinear(rng, 1600, 128, true), nn.ReLU(),
		nn.NewLinear(rng, 128, 10, true),
	)
	opt := newAdam(1e-3, 0.9, model)
	next := cycle(images(d))
	step := func() float32 {
		b := next()
		return trainStep(opt, func() *tensor.Tensor { return nn.CrossEntropyLoss(model.Forward(b.X), b.Y) })
	}
	return imageCase(step, model, "conv1->32 3x3, ReLU, maxpool2, conv32->64 3x3, ReLU, maxpool2, "+
		"fc 1600-128 ReLU, fc 128-10; cross-entropy; Adam lr 1e-3; NCHW, no padding")
}

// images returns the staged batches with X as [BatchSize, 1, 28, 28].
func images(d *Data) []Batch {
	out := make([]Batch, len(d.Batches))
	for i, b := range d.Batches {
		out[i] = Batch{X: b.X.Reshape(BatchSize, 1, 28, 28), Y: b.Y}
	}
	return out
}
