package train

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Metrics is one line of metrics.jsonl; the Loop adds the step.
type Metrics map[string]any

// StepFunc performs one training step. done is the number of steps done
// before it (0 for the first, which also indexes learning rate
// schedules); the metrics it returns, if any, become a line of
// metrics.jsonl.
type StepFunc func(done int) (Metrics, error)

// Hook is work done between steps: evaluation, pictures, progress, a
// dashboard.
type Hook struct {
	// Every runs the hook after every Every steps, and after the last.
	Every int
	// Start, when set, is called once before the first step with the
	// number of steps already done (non-zero on a resumed run).
	Start func(done int)
	// Run is called with the number of steps done and the metrics of the
	// last step.
	Run func(done int, m Metrics) error
}

// Loop runs a resumable training run in a run folder. Everything that
// changes during training is in Parts, so the checkpoint it writes every
// CheckpointEvery steps (and at the start, at the end and on interruption)
// is all a killed run needs to go on exactly: Run resumes by itself from a
// folder that holds a checkpoint.
type Loop struct {
	Dir             *Dir
	Header          Header // written to config.json and the checkpoint
	Parts           []Stateful
	Steps           int // total steps of the run
	CheckpointEvery int
	Hooks           []Hook
	// Log, when not nil, gets a line when a run resumes.
	Log io.Writer
}

// Run trains until Steps steps are done, the context is cancelled or a
// step fails, and returns the number of steps done. A cancelled context
// saves a checkpoint and returns an *InterruptedError; a step that
// diverges returns a *DivergedError and leaves the last good checkpoint;
// a panic in a step or a hook (a shape error in the math) becomes an error
// carrying its message. A run already done returns a *FinishedError and
// writes nothing.
func (l *Loop) Run(ctx context.Context, step StepFunc) (done int, err error) {
	if l.Dir == nil || l.Steps < 1 || l.CheckpointEvery < 1 {
		return 0, fmt.Errorf("train: a loop needs a run folder and positive Steps (%d) and CheckpointEvery (%d)", l.Steps, l.CheckpointEvery)
	}
	for i, h := range l.Hooks {
		if h.Every < 1 || h.Run == nil {
			return 0, fmt.Errorf("train: hook %d needs a positive Every (%d) and a Run function", i, h.Every)
		}
	}
	if done, err = l.start(); err != nil {
		return done, err
	}
	for _, h := range l.Hooks {
		if h.Start != nil {
			h.Start(done)
		}
	}
	saved := done
	for done < l.Steps {
		if ctx.Err() != nil {
			if err := l.save(done); err != nil {
				return done, err
			}
			return done, &InterruptedError{Step: done, Dir: l.Dir.Path, Cause: context.Cause(ctx)}
		}
		var m Metrics
		err := protect(func() (err error) { m, err = step(done); return err })
		if errors.Is(err, ErrDiverged) {
			return done, &DivergedError{Step: done + 1, Err: err, Checkpoint: saved, Dir: l.Dir.Path}
		}
		if err != nil {
			return done, fmt.Errorf("step %d: %w", done+1, err)
		}
		done++
		if m != nil {
			m["step"] = done
			if err := l.Dir.AppendMetrics(m); err != nil {
				return done, err
			}
		}
		for _, h := range l.Hooks {
			if done%h.Every != 0 && done != l.Steps {
				continue
			}
			if err := protect(func() error { return h.Run(done, m) }); err != nil {
				return done, fmt.Errorf("after step %d: %w", done, err)
			}
		}
		if done%l.CheckpointEvery == 0 || done == l.Steps {
			if err := l.save(done); err != nil {
				return done, err
			}
			saved = done
		}
	}
	return done, nil
}

// start loads the checkpoint of a run to resume, or writes the first one
// of a new run, and returns the number of steps done.
func (l *Loop) start() (int, error) {
	if !l.Dir.HasCheckpoint() {
		if err := l.Dir.WriteHeader(l.Header); err != nil {
			return 0, err
		}
		// A checkpoint from the start, so that a run that diverges early
		// still has a good one to go back to.
		return 0, l.save(0)
	}
	done, err := LoadCheckpoint(l.Dir.File(CheckpointFile), l.Parts...)
	if err != nil {
		return 0, err
	}
	if done >= l.Steps {
		return done, &FinishedError{Step: done, Dir: l.Dir.Path}
	}
	if err := l.Dir.TrimMetrics(done); err != nil {
		return done, err
	}
	if err := l.Dir.WriteHeader(l.Header); err != nil {
		return done, err
	}
	if l.Log != nil {
		fmt.Fprintf(l.Log, "resuming %s at step %d of %d\n", l.Dir.Path, done, l.Steps)
	}
	return done, nil
}

func (l *Loop) save(done int) error {
	return SaveCheckpoint(l.Dir.File(CheckpointFile), done, map[string]string{"config": string(l.Header.Config), "kind": l.Header.Kind}, l.Parts...)
}

// protect runs f and turns a panic into an error with its message.
func protect(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return f()
}

// InterruptedError is returned by Run when its context was cancelled; the
// checkpoint of the step reached is saved.
type InterruptedError struct {
	Step  int
	Dir   string
	Cause error // context.Cause of the loop's context
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted at step %d; its checkpoint is saved in %s", e.Step, e.Dir)
}

// Unwrap returns the cause of the cancellation.
func (e *InterruptedError) Unwrap() error { return e.Cause }

// DivergedError is returned by Run when a step diverged.
type DivergedError struct {
	Step       int   // the step that diverged, counting from 1
	Err        error // what the step reported
	Checkpoint int   // step of the last good checkpoint, kept in Dir
	Dir        string
}

func (e *DivergedError) Error() string {
	detail := e.Err.Error()
	var d *divergence
	if errors.As(e.Err, &d) {
		detail = d.detail
	}
	return fmt.Sprintf("training diverged at step %d: %s; the last good checkpoint, step %d, is kept in %s", e.Step, detail, e.Checkpoint, e.Dir)
}

// Unwrap returns what the step reported.
func (e *DivergedError) Unwrap() error { return e.Err }

// FinishedError is returned by Run for a run that has already done its
// steps; nothing in its folder changed.
type FinishedError struct {
	Step int
	Dir  string
}

func (e *FinishedError) Error() string {
	return fmt.Sprintf("the run in %s is finished at step %d; nothing changed (a larger --steps continues it)", e.Dir, e.Step)
}
