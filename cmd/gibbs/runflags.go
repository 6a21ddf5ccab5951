package main

import (
	"context"
	"flag"
	"io"

	"github.com/gibbsml/gibbs/train"
)

// runFlags are the flags every 'gibbs train KIND' shares: the run folder,
// resuming it, the progress bar, and what watches the run while it trains
// (--dashboard, --tfevents).
type runFlags struct {
	out           *string
	resume, quiet *bool
	watch         watchFlags
	// length names the flag that sets a run's length (steps or epochs),
	// the one setting a resumed run takes from the command line.
	length string
}

// bindRun defines the shared flags on fs for a kind whose runs go to
// runs/KIND by default; holds says what a run folder holds, and length
// names the flag that sets a run's length.
func bindRun(fs *flag.FlagSet, kind, holds, length string) runFlags {
	return runFlags{
		out:    fs.String("out", "runs/"+kind, "run folder ("+holds+")"),
		resume: fs.Bool("resume", false, "continue the run in --out from its checkpoint (a larger --"+length+" continues a finished run)"),
		quiet:  fs.Bool("quiet", false, "no progress bar"),
		watch:  bindWatch(fs),
		length: length,
	}
}

// open prepares the run once the flags are parsed: a resumed run's config
// is read into cfg (n points at its length), cfg is validated, the run
// folder opened and locked, and its watchers started. The caller calls
// close when the run ends.
func (r runFlags) open(ctx context.Context, fs *flag.FlagSet, out io.Writer, kind string, cfg interface{ Validate() error }, n *int) (dir *train.Dir, close func(), err error) {
	if *r.resume {
		if err := readResumedConfig(fs, *r.out, kind, cfg, r.length, n); err != nil {
			return nil, nil, err
		}
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	if dir, err = openRunDir(*r.out, *r.resume); err != nil {
		return nil, nil, err
	}
	stop, err := r.watch.start(ctx, dir.Path, out)
	if err != nil {
		dir.Close()
		return nil, nil, err
	}
	return dir, func() { stop(); dir.Close() }, nil
}

// output is where the run's progress and log lines go.
func (r runFlags) output(out io.Writer) train.Output { return progressOut(out, *r.quiet) }
