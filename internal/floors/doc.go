// Package floors holds the test that keeps gibbs's packages in layers that
// import one way: nothing imports a package on a floor above its own. It has
// no code to import; `go test ./...` runs the check with every other test.
//
// The floors, bottom up (a directory's subpackages share its floor):
//
//	0  internal/...   what every floor stands on: kernel, atomicfile, progress
//	                  (and this package, which only holds the check)
//	1  tensor, gradcheck
//	2  nn, optim, checkpoint, data, viz
//	3  energy
//	4  train
//	5  the model families: every other top-level package (ebm, lista, ae, gan,
//	   attention, ...); a new top-level package lands here unless the table
//	   in the test places it
//	6  bench, serve, cmd/...
//
// A package may import packages on its own floor or below; Go already
// rejects the cycles that same-floor imports could make. The check reads
// every Go file of the module, tests, examples and files for other
// platforms included, names the file of each import that reaches up, and
// ignores imports from outside the module.
package floors
