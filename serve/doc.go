// Package serve answers inference requests for trained runs over HTTP,
// speaking the REST form of the Open Inference Protocol (the "v2"
// protocol of KServe and Triton), so that its clients work unchanged:
//
//	GET  /v2                                 server metadata
//	GET  /v2/health/live                     200 while the process runs
//	GET  /v2/health/ready                    200 while it takes requests, 503 once it shuts down
//	GET  /v2/models/{name}                   a model's inputs and outputs
//	GET  /v2/models/{name}/ready             200 while the model takes requests
//	POST /v2/models/{name}/infer             run the model
//	GET  /metrics                            counters in Prometheus' text format
//
// The model paths also take a version, /v2/models/{name}/versions/{v}/...,
// which is ignored: a run has one version.
//
// A model is a run folder opened by train.Open; what it answers depends on
// what it can do. An energy.Model gives an "energy" per input row (a score
// of how unlike the data the row is: an anomaly score); a model with
// Reconstruct gives the "reconstruction" of each row, one with Encode its
// "code" (a VAE: the mean of its posterior q(z | y)); a
// train.Sampler gives "samples" for a request with no inputs, sized by the
// parameters n, seed and steps; a transformer answers its task's inputs,
// written as people write them ("3 1 4 1", "12+34"), with its "output".
//
// Inputs are FP32 tensors of shape [N, D...] (D the model's features,
// nested or flat data, row-major); outputs are FP32 (BYTES for a
// transformer). A request names the outputs it wants ("outputs": [{"name":
// "energy"}]) or gets all that its inputs allow. Bad requests get a 4xx
// status and {"error": "..."} naming what is wrong.
//
// Requests run in parallel over one shared model: the engine allows
// concurrent forward passes, every result is cut from its graph
// (DetachRelease) and nothing in a model is written after it is opened. A
// Server bounds the body size (413), the rows of a batch (413), the
// requests computing at once and those waiting for a turn (503 when the
// queue is full), and the time to read a request; Serve shuts down
// gracefully, first turning ready to 503, then finishing the requests in
// flight.
package serve
