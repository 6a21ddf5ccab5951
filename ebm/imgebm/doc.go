// Package imgebm holds energy models of images sampled by Langevin
// dynamics: an unconditional energy E(x) of a small convnet, and JEM, a
// classifier whose logits are read as energies.
//
// The image energy (kind "ebm-image") is trained as in Du & Mordatch
// 2019 and Nijkamp et al. 2019: each step draws negatives from a replay
// buffer of persistent chains (a share restarted from uniform noise), runs
// a short Langevin chain on them,
//
//	x <- clamp(x - StepSize * dE/dx + Noise * N(0, I), 0, 1),
//
// stores them back and lowers E(data) - E(negatives) + Alpha * (E(data)^2
// + E(negatives)^2) (energy.Contrastive).
//
// JEM (kind "jem", Grathwohl et al. 2019) reads the logits f(x) of a
// classifier as energies: E(x, y) = -f(x)[y], and E(x) = -logsumexp_y
// f(x)[y], the energy of the marginal p(x). It trains the cross-entropy
// of the labels, log p(y | x), plus the same contrastive term on E(x)
// with negatives from a replay buffer; class-conditional samples follow
// Langevin chains on E(x, y).
//
// Both kinds open with train.Open as a Model: an energy.Model (images in
// y, x nil or the one-hot labels of E(x, y) for JEM), a train.Sampler
// and a train.Plotter.
package imgebm
