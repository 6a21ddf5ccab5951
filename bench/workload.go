package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Workload is one reference workload; sgemm has one per matrix size, all
// with the name "sgemm".
type Workload struct {
	Name  string
	Setup func(d *Data) *Case // builds the model, optimizer and staged inputs
}

// Case is a workload ready to run.
type Case struct {
	// Step runs one call (one training step, one product) and returns its
	// loss, or 0 where there is none.
	Step func() float32
	Work float64 // units of work per call: samples, iterations or GFLOP
	Unit string  // unit of Work per second
	// Extra holds the workload's own fields, written after the common ones.
	Extra Record
	// Finish, when set, runs after timing with the median seconds per
	// call: it checks the last call's result and returns the fields known
	// only then.
	Finish func(median float64) (Record, error)
}

// Workloads returns every workload in the reference script's order.
func Workloads() []Workload {
	var ws []Workload
	for _, n := range sgemmSizes {
		ws = append(ws, Workload{"sgemm", func(*Data) *Case { return sgemmCase(n) }})
	}
	return append(ws,
		Workload{"mlp_ae", mlpAECase},
		Workload{"vae", vaeCase},
		Workload{"gan", ganCase},
		Workload{"transformer", transformerCase},
		Workload{"convnet", convnetCase},
		Workload{"ebm2d", ebm2dCase},
		Workload{"dcgan", dcganCase},
		Workload{"conv_ae", convAECase},
		Workload{"transformer_reverse", transformerReverseCase},
		Workload{"ebm_image", ebmImageCase},
	)
}

// Names returns the distinct workload names in order.
func Names() []string {
	var names []string
	for _, w := range Workloads() {
		if !slices.Contains(names, w.Name) {
			names = append(names, w.Name)
		}
	}
	return names
}

// Select returns the workloads with the given names, in the order named;
// no names selects all. An unknown name is an error listing the valid ones.
func Select(names []string) ([]Workload, error) {
	all := Workloads()
	if len(names) == 0 {
		return all, nil
	}
	var ws []Workload
	for _, name := range names {
		n := len(ws)
		for _, w := range all {
			if w.Name == name {
				ws = append(ws, w)
			}
		}
		if len(ws) == n {
			return nil, fmt.Errorf("unknown bench %q; choose from %s", name, strings.Join(Names(), ","))
		}
	}
	return ws, nil
}

// Time sets up w, times its step and returns its result record: bench,
// value, unit, median_ms_per_call, best, worst, spread_pct, repeats, inner,
// allocs_per_call, bytes_per_call, then the workload's own fields.
func Time(w Workload, d *Data, cfg Config) (Record, error) {
	c := w.Setup(d)
	times, inner := Measure(func() { c.Step() }, cfg)
	med := median(times)
	best, worst := slices.Min(times), slices.Max(times)
	r := Record{
		{"bench", w.Name},
		{"value", c.Work / med},
		{"unit", c.Unit},
		{"median_ms_per_call", med * 1e3},
		{"best", c.Work / best},
		{"worst", c.Work / worst},
		{"spread_pct", 100 * (worst - best) / med},
		{"repeats", len(times)},
		{"inner", inner},
	}
	allocs, bytes := Allocs(func() { c.Step() }, min(inner, 5))
	r = append(r, Field{"allocs_per_call", allocs}, Field{"bytes_per_call", bytes})
	r = append(r, c.Extra...)
	if c.Finish != nil {
		more, err := c.Finish(med)
		if err != nil {
			return nil, fmt.Errorf("bench: %s: %w", w.Name, err)
		}
		r = append(r, more...)
	}
	return r, nil
}

// Run times each workload in turn and writes its record to out as one JSON
// line as soon as it is done.
func Run(ws []Workload, d *Data, cfg Config, out io.Writer) error {
	enc := json.NewEncoder(out)
	for _, w := range ws {
		r, err := Time(w, d, cfg)
		if err != nil {
			return err
		}
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("bench: writing %s result: %w", w.Name, err)
		}
	}
	return nil
}
