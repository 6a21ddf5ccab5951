// Package data supplies the datasets gibbs trains on and the machinery that
// feeds them to a model.
//
// Open turns a --data value into a Set held in memory: one sample a row of
// an [N, D] float32 tensor, the shape of one sample, and the class labels
// when the data has them. It knows
//
//   - MNIST and Fashion-MNIST, read from the Go module cache and from the
//     Debian package dataset-fashion-mnist (gibbs downloads nothing; the
//     error for a missing set gives the command that installs it);
//   - seeded 2-D toy distributions (two moons, a ring of Gaussians, a grid
//     of Gaussians, two spirals, a swiss roll, a checkerboard and the
//     ellipse of the NYU deep-learning course), with the exact log-density
//     and mode centers of those whose density is known;
//   - CSV files of numbers, with an optional label column;
//   - the user's own IDX files (the MNIST format), gzipped or not.
//
// IDX images are decoded straight into the tensor, pixels scaled to
// [0, 1], so loading MNIST holds no second copy of it. CSVBatches reads a
// CSV file too large to hold in memory a batch of rows at a time, and a
// Loader cuts a Set into batches in a seeded, per-epoch shuffled order that
// can be resumed at any batch.
//
// File and format problems are returned as one-line errors that name the
// file, and for CSV the line and column, at fault. Every random draw comes
// from a *tensor.RNG, so a seed fixes the data a run sees.
package data
