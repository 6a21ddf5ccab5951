// Package data supplies the datasets gibbs trains on and the machinery that
// feeds them to a model.
//
// It holds seeded 2-D toy distributions (two moons, a ring of Gaussians, a
// grid of Gaussians, two spirals, a swiss roll, a checkerboard and the
// ellipse of the NYU deep-learning course), with the exact log-density and
// mode centers of those whose density is known; readers for IDX files (the
// MNIST and Fashion-MNIST format) and for CSV files of numbers; and a Loader
// that cuts a dataset into batches in a seeded, per-epoch shuffled order
// that can be resumed at any batch.
//
// File and format problems are returned as errors that name the file, line
// or field at fault. Every random draw comes from a *tensor.RNG, so a seed
// fixes the data a run sees.
package data
