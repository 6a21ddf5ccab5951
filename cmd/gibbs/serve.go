package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"

	"github.com/gibbsml/gibbs/serve"
	"github.com/gibbsml/gibbs/train"
)

// listFlag is a flag that may be given many times.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// runServe is 'gibbs serve': trained runs answer Open Inference Protocol
// (v2) requests over HTTP until SIGINT or SIGTERM, which shut it down
// gracefully.
func runServe(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var runs, names listFlag
	fs.Var(&runs, "run", "run folder of a trained model; repeat for more models (required)")
	fs.Var(&names, "name", "name of each --run's model in the URLs, in the same order (default: the folder's base name)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	cfg := serve.DefaultConfig()
	fs.Int64Var(&cfg.MaxBody, "max-body", cfg.MaxBody, "largest request body, in bytes (413 beyond)")
	fs.IntVar(&cfg.MaxBatch, "max-batch", cfg.MaxBatch, "most rows of an input, or samples of a request (413 beyond)")
	fs.IntVar(&cfg.Workers, "workers", cfg.Workers, "requests computing at once")
	fs.IntVar(&cfg.Queue, "queue", cfg.Queue, "requests waiting for a worker (503 beyond)")
	fs.DurationVar(&cfg.DrainDelay, "drain-delay", cfg.DrainDelay, "on SIGINT or SIGTERM, how long ready answers 503 before the server stops taking connections")
	if err := parseFlags(fs, args, out, "gibbs serve --run DIR [--run DIR ...] [--name NAME ...] [--addr 127.0.0.1:8080]"); err != nil {
		return err
	}
	if len(runs) == 0 {
		return usagef("--run is required")
	}
	if len(names) > 0 && len(names) != len(runs) {
		return usagef("%d --name for %d --run; give one name per run, or none", len(names), len(runs))
	}
	if cfg.MaxBody <= 0 || cfg.MaxBatch <= 0 || cfg.Workers <= 0 || cfg.Queue <= 0 || cfg.DrainDelay < 0 {
		return usagef("--max-body, --max-batch, --workers and --queue must be positive, --drain-delay not negative")
	}
	var models []*serve.Model
	for i, path := range runs {
		name := filepath.Base(filepath.Clean(path))
		if len(names) > 0 {
			name = names[i]
		}
		m, err := train.Open(path)
		if err != nil {
			return err
		}
		sm, err := serve.NewModel(name, m)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		models = append(models, sm)
	}
	s, err := serve.New(cfg, models...)
	if err != nil {
		return usagef("%v", err)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var list []string
	for _, m := range models {
		list = append(list, fmt.Sprintf("%s (%s)", m.Name, m.Kind))
	}
	fmt.Fprintf(out, "serving %s on http://%s/v2 (Open Inference Protocol); stop with Ctrl-C\n", strings.Join(list, ", "), l.Addr())
	if err := s.Serve(ctx, l); err != nil {
		return err
	}
	fmt.Fprintln(out, "stopped after the requests in flight finished")
	return nil
}
