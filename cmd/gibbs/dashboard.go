package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

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

// dashboardFlag defines the --dashboard flag of a training command.
func dashboardFlag(fs *flag.FlagSet) *string {
	return fs.String("dashboard", "", "while training, serve a live dashboard of the run on this address, e.g. 127.0.0.1:8090 (port 0: a free one)")
}

// startDashboard serves the dashboard of the run folder dir on addr until
// stop is called; with addr empty it serves nothing. The folder must
// exist.
func startDashboard(ctx context.Context, addr, dir string, out io.Writer) (stop func(), err error) {
	if addr == "" {
		return func() {}, nil
	}
	s, err := dashboard.New(dir)
	if err != nil {
		return nil, err
	}
	ln, err := dashboard.Listen(addr)
	if err != nil {
		return nil, usagef("--dashboard: %v", err)
	}
	fmt.Fprintf(out, "dashboard at http://%s/\n", ln.Addr())
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, ln) }()
	return func() { cancel(); <-served }, nil
}
