// Package lista trains the learned ISTA encoders of Gregor & LeCun (2010),
// "Learning Fast Approximations of Sparse Coding", and compares them with
// ISTA and FISTA: for every depth T = 1..MaxDepth an encoder (energy.LISTA)
// is trained to predict the optimal codes of a training set, and its code
// error on a test set is set against that of T iterations of ISTA and
// FISTA. Runs are of kind "lista": importing the package registers it, so
// train.Open rebuilds the trained encoders from a run folder.
package lista
