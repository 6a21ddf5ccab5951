// Package dashboard serves a live page of training runs: one chart per
// metric of metrics.jsonl with the runs overlaid, the runs' configs side
// by side, and their pictures (the PNG files of each run folder).
//
// The server only reads run folders; a training process knows nothing of
// it. Each page holds a stream of Server-Sent Events (GET /events) fed by
// polling the folders: lines appended to metrics.jsonl are sent once
// their newline is written (a torn last line waits), a metrics file that
// a resumed run trims or a new run replaces is sent again from its start,
// and a picture or config rewritten is announced so the page fetches it
// anew. So the same server watches a run being trained, a finished run, or
// a folder whose run has not started yet, in this process or another.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary with
// the chart library uPlot 1.6.32 (MIT license, static/uPlot.LICENSE), so
// it needs no network. The server listens only on a loopback address and
// answers only requests addressed to one.
//
// FollowTFEvents gives the same metrics to TensorBoard: it follows
// metrics.jsonl into an event file of scalars (TFRecord framing with
// masked CRC-32C, Event and Summary protocol buffers, written by hand).
package dashboard
