package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain runs the command itself when GIBBS_TEST_MAIN is set, so that
// tests can start it as a process and send it signals.
func TestMain(m *testing.M) {
	if os.Getenv("GIBBS_TEST_MAIN") != "" {
		os.Args = append(os.Args[:1], strings.Fields(os.Getenv("GIBBS_TEST_MAIN"))...)
		main()
	}
	os.Exit(m.Run())
}

// An interrupted run saves its checkpoint and exits with 128 + the
// signal's number.
func TestInterruptExitStatus(t *testing.T) {
	for _, c := range []struct {
		sig    syscall.Signal
		status int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			ctx, cancel := context.WithCancelCause(context.Background())
			cancel(signalError{c.sig})
			var out, errOut bytes.Buffer
			status := run(ctx, smallRun(dir, 10), &out, &errOut)
			if status != c.status || !strings.Contains(errOut.String(), "interrupted at step 0; its checkpoint is saved in "+dir+"; continue with: gibbs train ebm --resume --out "+dir) {
				t.Fatalf("status %d, stderr %q", status, errOut.String())
			}
			if status, out, errOut := runCLI("train", "ebm", "--quiet", "--resume", "--out", dir); status != 0 || !strings.Contains(out, "resuming") {
				t.Errorf("resume after the interrupt: status %d %q %q", status, out, errOut)
			}
		})
	}
}

// A running process holds its run folder: a second run into it, or a
// resume of it, fails at once; SIGTERM stops it with status 143 after a
// checkpoint, and the folder is free again.
func TestRunningRunIsLockedAndStopsOnSignal(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	args := smallRun(dir, 1000000, "--checkpoint-every", "1000000", "--eval-every", "1000000")
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "GIBBS_TEST_MAIN="+strings.Join(args, " "))
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// The run writes its first checkpoint before its first step.
	for start := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "checkpoint.safetensors")); err == nil {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("no checkpoint from the child: %s", errOut.String())
		}
	}
	for _, args := range [][]string{smallRun(dir, 10), {"train", "ebm", "--quiet", "--resume", "--out", dir}} {
		status, _, e := runCLI(args...)
		if status != 2 || strings.Count(e, "\n") != 1 || !strings.Contains(e, "another process is writing this run folder") {
			t.Errorf("%v while the run is going: status %d, %q", args[2:], status, e)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if cmd.ProcessState.ExitCode() != 143 || !strings.Contains(errOut.String(), "interrupted at step") {
		t.Fatalf("exit %v, stderr %q", err, errOut.String())
	}
	// The lock went with the child; whichever step it reached, a resume
	// to step 1 either finds the run finished or does that step.
	if status, out, e := runCLI("train", "ebm", "--quiet", "--resume", "--out", dir, "--steps", "1"); status != 0 {
		t.Errorf("after the child: status %d %q %q", status, out, e)
	}
}

// Resuming a finished run says so and changes nothing; a larger --steps
// continues it.
func TestResumeFinishedRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	if status, _, errOut := runCLI(smallRun(dir, 10)...); status != 0 {
		t.Fatal(errOut)
	}
	files := []string{"config.json", "checkpoint.safetensors", "metrics.jsonl"}
	before := readFiles(t, dir, files)
	for _, extra := range [][]string{nil, {"--steps", "5"}, {"--steps", "10"}} {
		args := append([]string{"train", "ebm", "--quiet", "--resume", "--out", dir}, extra...)
		status, out, errOut := runCLI(args...)
		if status != 0 || !strings.Contains(out, "is finished at step 10; nothing changed") || strings.Contains(out, "test NLL") {
			t.Errorf("%v: status %d, %q %q", extra, status, out, errOut)
		}
	}
	if after := readFiles(t, dir, files); !bytes.Equal(bytes.Join(before, nil), bytes.Join(after, nil)) {
		t.Error("resuming a finished run changed its folder")
	}
	status, out, errOut := runCLI("train", "ebm", "--quiet", "--resume", "--out", dir, "--steps", "12")
	if status != 0 || !strings.Contains(out, "resuming") || !strings.Contains(out, "test NLL") {
		t.Errorf("resume with more steps: status %d, %q %q", status, out, errOut)
	}
}

func readFiles(t *testing.T, dir string, names []string) [][]byte {
	var bs [][]byte
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, b)
	}
	return bs
}

// The demo replaces only an earlier demo.
func TestDemoKeepsOtherRuns(t *testing.T) {
	root := t.TempDir()
	trained := filepath.Join(root, "trained")
	if status, _, errOut := runCLI(smallRun(trained, 10)...); status != 0 {
		t.Fatal(errOut)
	}
	before := readFiles(t, trained, []string{"checkpoint.safetensors", "config.json"})
	status, _, errOut := runCLI("demo", "--quiet", "--steps", "3", "--out", trained)
	if status != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "holds a run of kind ebm that is not a demo") {
		t.Errorf("demo over a training run: status %d, %q", status, errOut)
	}
	if after := readFiles(t, trained, []string{"checkpoint.safetensors", "config.json"}); !bytes.Equal(bytes.Join(before, nil), bytes.Join(after, nil)) {
		t.Error("the demo changed a training run")
	}
	demo := filepath.Join(root, "demo")
	for i := 0; i < 2; i++ {
		if status, out, errOut := runCLI("demo", "--quiet", "--steps", "3", "--out", demo); status != 0 || !strings.Contains(out, "wrote") {
			t.Fatalf("demo %d: status %d, %q %q", i, status, out, errOut)
		}
	}
	if cfg, _ := os.ReadFile(filepath.Join(demo, "config.json")); !bytes.Contains(cfg, []byte(`"demo": true`)) {
		t.Errorf("demo run not marked: %s", cfg)
	}
}
