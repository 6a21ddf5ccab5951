// Package ebm is the recipe for energy models of 2-D data: an MLP energy
// F(y) trained on a toy distribution (package data) by a contrastive loss
// with sampled negatives (short-run Langevin, a replay buffer with
// Metropolis jumps, CD-k, HMC) or by noise-conditional score matching,
// each choice with its own defaults (Recipe), evaluated by its grid-normalised test
// NLL, the true density's NLL and the modes its samples cover, and drawn
// as energy landscapes. Runs are of kind "ebm": importing the package
// registers it, so train.Open rebuilds a trained Model from its folder.
package ebm
