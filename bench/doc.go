// Package bench is gibbs's benchmark package for the reference workloads:
// it defines them and times them the way the PyTorch reference script
// (bench/torch_ref.py in the project's shared notes) does, so that the two
// can be run side by side and compared. It sits on the top floor, beside
// cmd/gibbs: a workload's step is built from the public packages a user
// trains with (tensor, nn, optim, energy, data, ae), so what it times is what a
// user runs.
//
// Each workload builds its model, optimizer and pre-staged data once and
// exposes one training step. Measure times a step: a time-based warm-up
// (at least three calls), a short calibration that picks the number of
// calls per repeat so that one repeat lasts at least MinTime, then Repeats
// timed repeats. The reported value is the median per-call time over the
// repeats, turned into a throughput (samples/s, iterations/s or GFLOP/s).
//
// The workloads and their PyTorch counterparts:
//
//	sgemm        torch.mm(a, b, out=c), square n = 128 ... 2048
//	mlp_ae       784-256-64-256-784 ReLU/sigmoid autoencoder, BCE, Adam, batch 128
//	vae          784-400-20 VAE, BCE(sum) + KL per batch, Adam, batch 128
//	gan          MLP G 64-256-256-784, D 784-256-256-1, one D + one G step
//	transformer  one post-norm encoder layer (d 128, 4 heads, ff 512), batch 32 x 64, MSE, Adam
//	convnet      LeNet-like conv net on 28x28, cross-entropy, Adam, batch 128
//	ebm2d        energy MLP 2-128-128-1 SiLU, 20 Langevin steps on 256 replay negatives
//	dcgan        DCGAN on 28x28 (64, 128 channels), z 100, batch 64, one D + one G step
//	conv_ae      conv autoencoder 3x3 stride 2 to 64x7x7, code 32, BCE, Adam, batch 128
//	transformer_reverse  2 post-norm encoder layers (d 64, 4 heads, ff 128) reversing
//	             16 tokens of 10, learned positions, cross-entropy, Adam, batch 128
//	ebm_image    conv energy 3x3 stride 2 to 64x7x7, fc to 1, SiLU; 20 Langevin steps on
//	             64 replay negatives in [0, 1], then one Adam step
//
// The vae workload times package ae's VAE and its training objective, as
// gibbs train vae runs them; the gan workload builds its networks with
// package gan (gan.MLP), and dcgan with gan.DCGAN. conv_ae,
// transformer_reverse and ebm_image are built from nn layers, as package
// ae's conv nets (4x4 kernels) and package attention's model (fixed
// positions) differ from the reference's; ebm_image samples with package
// energy's Langevin chains and replay buffer, as ebm2d does.
//
// The reference script reports the transformer twice, as
// "transformer_nn" (nn.TransformerEncoderLayer) and "transformer_manual"
// (the same layer written with plain matrix products); gibbs's
// "transformer" uses nn.TransformerEncoderLayer and is compared with
// "transformer_nn".
package bench
