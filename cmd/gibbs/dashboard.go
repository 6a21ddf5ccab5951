package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gibbsml/gibbs/dashboard"
)

// runDashboard is 'gibbs dashboard': a live page of run folders until
// interrupted.
func runDashboard(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("dashboard", flag.ContinueOnError)
	var runs []string
	fs.Func("run", "run folder to show; repeat it to overlay several runs", func(s string) error {
		runs = append(runs, s)
		return nil
	})
	addr := fs.String("addr", "127.0.0.1:8090", "address to serve the page on: 127.0.0.1:PORT (port 0: a free one)")
	if err := parseFlags(fs, args, out, "gibbs dashboard --run DIR [--run DIR ...] [--addr 127.0.0.1:PORT]"); err != nil {
		return err
	}
	if len(runs) == 0 {
		return usagef("which runs? gibbs dashboard --run DIR [--run DIR ...]")
	}
	s, err := dashboard.New(runs...)
	if err != nil {
		return usagef("%v", err)
	}
	ln, err := dashboard.Listen(*addr)
	if err != nil {
		return usagef("--addr: %v", err)
	}
	fmt.Fprintf(out, "dashboard of %s at http://%s/ (interrupt to stop)\n", strings.Join(runs, ", "), ln.Addr())
	return s.Serve(ctx, ln)
}

// watchFlags are the flags of a training command for what watches its
// run folder while it trains: a live dashboard, TensorBoard's event file.
type watchFlags struct {
	dashboard *string
	tfevents  *bool
}

// bindWatch defines the flags of watchFlags on fs.
func bindWatch(fs *flag.FlagSet) watchFlags {
	return watchFlags{
		dashboard: fs.String("dashboard", "", "while training, serve a live dashboard of the run on this address, e.g. 127.0.0.1:8090 (port 0: a free one)"),
		tfevents:  fs.Bool("tfevents", false, "while training, write the metrics as TensorBoard scalars to "+dashboard.TFEventsFile+" in the run folder"),
	}
}

// start starts what the flags ask for on the run folder dir, which must
// exist, until stop is called; stop waits for a last look at the folder.
func (f watchFlags) start(ctx context.Context, dir string, out io.Writer) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	var wait []func()
	stop = func() {
		cancel()
		for _, w := range wait {
			w()
		}
	}
	if *f.dashboard != "" {
		s, err := dashboard.New(dir)
		if err != nil {
			cancel()
			return nil, err
		}
		ln, err := dashboard.Listen(*f.dashboard)
		if err != nil {
			cancel()
			return nil, usagef("--dashboard: %v", err)
		}
		fmt.Fprintf(out, "dashboard at http://%s/\n", ln.Addr())
		served := make(chan error, 1)
		go func() { served <- s.Serve(ctx, ln) }()
		wait = append(wait, func() { <-served })
	}
	if *f.tfevents {
		written := make(chan error, 1)
		go func() { written <- dashboard.FollowTFEvents(ctx, dir, time.Second) }()
		wait = append(wait, func() {
			if err := <-written; err != nil {
				fmt.Fprintf(out, "TensorBoard events: %v\n", err)
			}
		})
	}
	return stop, nil
}
