package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTrainTransformerCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rev")
	tiny := []string{"train", "transformer", "--quiet", "--length", "5", "--steps", "20", "--eval-every", "10", "--test-size", "20", "--out", dir}
	status, out, errOut := runCLI(tiny...)
	if status != 0 || !strings.Contains(out, "per sequence") {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
	for _, f := range []string{"config.json", "metrics.jsonl", "checkpoint.safetensors", "attention.png", "accuracy.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	status, out, _ = runCLI("train", "transformer", "--resume", "--out", dir)
	if status != 0 || !strings.Contains(out, "is finished at step 20") {
		t.Errorf("resume of a finished run: status %d, %q", status, out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--task", "fly"}, `--task: unknown task "fly"`},
		{[]string{"--heads", "3"}, "--heads: 3 heads do not divide d-model 32"},
		{[]string{"--length", "2", "--vocab", "3"}, "--length: 2 tokens from 3 give fewer than 1000 inputs"},
	} {
		status, _, errOut := runCLI(append([]string{"train", "transformer", "--out", filepath.Join(t.TempDir(), "x")}, tc.args...)...)
		if status != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: status %d, stderr %q, want 2 and %q", tc.args, status, errOut, tc.want)
		}
	}
}

func TestTrainTransformerTextCommand(t *testing.T) {
	text := filepath.Join(t.TempDir(), "text.txt")
	if err := os.WriteFile(text, []byte(strings.Repeat("to be or not to be, that is the question.\n", 50)), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "lm")
	status, out, errOut := runCLI("train", "transformer", "--task", "text", "--text", text, "--quiet", "--length", "8", "--d-model", "16",
		"--heads", "2", "--ff", "32", "--layers", "1", "--steps", "10", "--eval-every", "10", "--test-size", "5", "--out", dir)
	if status != 0 || !strings.Contains(out, "bits per character") || !strings.Contains(out, "sample: ") {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "sample.txt")); err != nil {
		t.Error(err)
	}
	status, _, errOut = runCLI("train", "transformer", "--task", "text", "--text", filepath.Join(t.TempDir(), "none.txt"), "--out", filepath.Join(t.TempDir(), "x"))
	if status != 2 || !strings.Contains(errOut, "reading the text") {
		t.Errorf("missing text: status %d, stderr %q", status, errOut)
	}
}

func TestAttendCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sort")
	if status, _, errOut := runCLI("train", "transformer", "--task", "sort", "--quiet", "--length", "4", "--steps", "5", "--eval-every", "5", "--test-size", "5", "--out", dir); status != 0 {
		t.Fatal(errOut)
	}
	status, out, errOut := runCLI("attend", "--run", dir, "--input", "3 1 2 0")
	if status != 0 || !strings.Contains(out, "3 1 2 0 -> ") {
		t.Errorf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "attend.png")); err != nil {
		t.Error(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--run", dir}, "--run and --input are required"},
		{[]string{"--run", dir, "--input", "3 1"}, "--input: 2 tokens, want 4"},
	} {
		status, _, errOut := runCLI(append([]string{"attend"}, tc.args...)...)
		if status != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: status %d, stderr %q, want 2 and %q", tc.args, status, errOut, tc.want)
		}
	}
}
