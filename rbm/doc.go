// Package rbm is the restricted Boltzmann machine family: binary visible
// units v and binary hidden units h with the energy
//
//	E(v, h) = -b.v - c.h - v^T W h
//
// whose hidden units sum out in closed form into the free energy
//
//	F(v) = -b.v - sum_j softplus(c_j + W_j.v),   p(v) = exp(-F(v)) / Z
//
// An RBM is an energy.Model of F, so scoring and energy inference apply
// to it as to any energy.
//
// Training follows the gradient of the log-likelihood, the difference of
// dF/dθ on the data and on the model's samples. The samples come from
// block Gibbs chains (h ~ p(h | v), then v ~ p(v | h)): contrastive
// divergence CD-k (Hinton 2002) restarts them at the batch and runs k
// steps; persistent CD (Tieleman 2008) keeps one set of chains across the
// updates. The loss of a step is mean F(data) - mean F(samples), the
// samples held fixed, so the engine's gradient is the CD or PCD update.
//
// Z is intractable beyond a few hidden units. PseudoLikelihood is the
// stochastic approximation scikit-learn reports; AIS estimates log Z by
// annealed importance sampling (Salakhutdinov & Murray 2008), from which
// LogProb gives the test log-likelihood; ExactLogZ enumerates the hidden
// states of small RBMs.
//
// Train runs a model on binarised images (BinarizeSample, as Salakhutdinov
// & Murray binarise MNIST, or BinarizeThreshold) through train.Loop in a
// run folder of kind "rbm"; importing the package registers the kind, so
// train.Open gives a trained model back from its folder.
package rbm
