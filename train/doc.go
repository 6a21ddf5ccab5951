// Package train is the one training loop every kind of model uses, and the
// run folder it writes.
//
// A run folder holds config.json (the model kind, the gibbs version and
// the kind's configuration: a Header), metrics.jsonl (one JSON object a
// line), checkpoint.safetensors and the pictures. Every file is replaced
// atomically, and the folder is locked (Dir: an flock on its .lock file,
// which the system releases when the process ends, however it ends) while
// a process writes it.
//
// A Loop calls a StepFunc until the run has done its steps, with Hooks
// every N steps (evaluation, pictures, progress), and saves a checkpoint of
// its Parts every CheckpointEvery steps. The parts are Stateful: weights
// (Module), optimizer (Optimizer), random generators (RNG), sampler
// buffers (Buffer) and counters (Counter) all go into the checkpoint, so a
// killed run resumes exactly where its last checkpoint left it. Step is
// the update a StepFunc makes: zero the gradients, backward, optimizer
// step, release of the step's graph.
//
// Model families register their kinds (Register) with a function that
// rebuilds a trained model from its folder; Open then gives back a trained
// model of any registered kind, whose capabilities (an energy, a sampler,
// a picture) are interfaces the caller type-asserts.
package train
