// Package ae is the autoencoder family: an encoder maps a sample y to a
// code z, a decoder maps the code back, and training makes the round trip
// reproduce the data.
//
// Every model here is an energy.Model whose energy is the reconstruction
// energy of LeCun et al.'s tutorial, low on the data the model has learned
// to reproduce and higher elsewhere, so energy inference and scoring (an
// anomaly score per row) apply to them as to any energy:
//
//	AE:  F(y) = ||y - dec(enc(y))||^2, the mean of p(y | z) at z = enc(y)
//	VAE: F(y) = -log p(y | z = mu(y)) + KL(q(z | y) || p(z)), the negative
//	     ELBO with its expectation taken at the posterior mean, so that it is
//	     deterministic (see VAE.Energy)
//
// Encoders and decoders are MLPs of a list of widths or convolutional nets
// (stride-2 Conv2d down, ConvTranspose2d up) for images (Net).
//
// What distinguishes the plain, denoising, sparse and contractive
// autoencoders is the objective, a type behind the Objective interface:
//
//	Plain        reconstruction alone; under-complete (a code narrower than
//	             the input) or over-complete
//	Denoising    reconstruct y from a corrupted copy (GaussianNoise,
//	             MaskingNoise; Vincent et al. 2008)
//	Sparse       reconstruction plus a sparsity penalty on the code (L1, or
//	             KLRate: the KL divergence of the units' mean activation
//	             from a target rate, as in Ng's sparse autoencoder notes)
//	Contractive  reconstruction plus the squared Frobenius norm of the
//	             encoder's Jacobian (Rifai et al. 2011), computed through
//	             the engine's recorded gradients
//
// The variational autoencoder (Kingma & Welling 2013) has its own model,
// VAE, and objective, ELBO (with a beta weight, Higgins et al. 2017, and a
// linear KL warm-up, Sønderby et al. 2016). IWAE estimates the test
// log-likelihood by the importance-weighted bound of Burda et al. 2015,
// and ActiveUnits counts the latent units the model uses (Burda et al.'s
// definition).
//
// Train runs either kind through train.Loop, epoch by epoch, in a run
// folder of kind "ae" or "vae"; importing the package registers both, so
// train.Open gives a trained model back from its folder.
package ae
