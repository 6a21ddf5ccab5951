// Package gan is the family of generative adversarial networks: a
// generator G turns Gaussian noise z into samples, a discriminator D tells
// real samples from generated ones, and the two are trained against each
// other (Goodfellow et al. 2014).
//
// Networks: MLPs for vectors and 2-D points (MLP, with BatchNorm in the
// generator and Maxout units in the discriminator as in PacGAN, whose
// protocol PacGANConfig sets), and the DCGAN convolutional pair for small
// images (DCGAN: ConvTranspose2d up, strided Conv2d down, BatchNorm,
// weights from N(0, 0.02), Init).
//
// The objective is a type behind the Loss interface:
//
//	Minimax        G minimises log(1 - D(G(z))), the value function as written
//	NonSaturating  G minimises -log D(G(z)) instead
//	Hinge          max(0, 1 - D(x)) + max(0, 1 + D(G(z))) for D, -D(G(z)) for G
//	LeastSquares   LSGAN (Mao et al. 2017)
//	WGANGP         Wasserstein critic with the gradient penalty of Gulrajani
//	               et al. 2017, through the engine's gradients of gradients
//	R1             NonSaturating with Mescheder et al.'s penalty on real data
//	EBGAN          Zhao, Mathieu & LeCun 2016: the discriminator is an
//	               autoencoder (EnergyCritic, built with package ae) whose
//	               reconstruction energy is low on data; D minimises
//	               D(x) + max(0, m - D(G(z))), G minimises D(G(z)) plus the
//	               pulling-away term of its codes (PullingAway)
//
// EBGAN ties GANs to energies: its discriminator is an energy.Model, and
// the margin loss is the hinge of LeCun et al.'s tutorial with generated
// samples as the contrastive ones.
//
// Against mode collapse: packing (Pack, PacGAN of Lin et al. 2018, the
// discriminator judging several samples at once), several discriminator
// steps per generator step (Config.NCritic), learning rates and betas apart
// for G and D, a moving average of the generator's weights (EMA), kept
// in the checkpoint, and spectral normalisation of the discriminator
// (Config.SpectralNorm, nn.SpectralNorm; Miyato et al. 2018). Collapse is
// measured, not guessed: on mixtures with known modes (data.ToyModes)
// every evaluation measures energy.ModeCoverage of 2500 samples; on
// images a Classifier (for MNIST one trained once in the user's cache
// folder, MNISTClassifier) gives the class coverage of the samples and
// the Fréchet distance in its features.
//
// Train runs a GAN through train.Loop in a run folder of kind "gan";
// importing the package registers the kind, so train.Open gives the
// trained model back (a train.Sampler and train.Plotter; for EBGAN also an
// energy.Model).
package gan
