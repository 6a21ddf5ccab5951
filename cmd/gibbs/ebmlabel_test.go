package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// writeLabelCSV writes n rows of four features and a label column: class
// c's rows lie around the point 3 * (c-th unit vector), shifted by offset.
func writeLabelCSV(t *testing.T, path string, n int, offset float32, seed uint64) {
	t.Helper()
	rng := tensor.NewRNG(seed)
	var b strings.Builder
	b.WriteString("a,b,c,d,label\n")
	for range n {
		c := rng.IntN(3)
		for j := range 4 {
			v := offset + 0.5*rng.Norm()
			if j == c {
				v += 3
			}
			fmt.Fprintf(&b, "%g,", v)
		}
		fmt.Fprintf(&b, "%d\n", c)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestTrainLabelEnergy trains a label energy on a CSV file from the
// command line, resumes it without --target, scores, exports and
// OOD-scores it, and checks that it says it has no samples.
func TestTrainLabelEnergy(t *testing.T) {
	tmp := t.TempDir()
	csv, far := filepath.Join(tmp, "train.csv"), filepath.Join(tmp, "far.csv")
	writeLabelCSV(t, csv, 300, 0, 1)
	writeLabelCSV(t, far, 100, 6, 2)
	dir := filepath.Join(tmp, "run")
	status, out, errOut := runCLI("train", "ebm", "--target", "label", "--quiet", "--data", csv, "--loss", "hinge",
		"--hidden", "16", "--epochs", "2", "--batch", "50", "--lr", "0.01", "--out", dir)
	if status != 0 || !strings.Contains(out, "test accuracy") {
		t.Fatalf("train: status %d, %q %q", status, out, errOut)
	}
	status, out, errOut = runCLI("train", "ebm", "--quiet", "--resume", "--out", dir, "--epochs", "3")
	if status != 0 || !strings.Contains(out, "resuming") || !strings.Contains(out, "epoch 3:") {
		t.Errorf("resume for a third epoch: status %d, %q %q", status, out, errOut)
	}
	status, _, errOut = runCLI("train", "ebm-label", "--quiet", "--resume", "--out", dir, "--loss", "log")
	if status != 2 || !strings.Contains(errOut, "--loss cannot change when resuming") {
		t.Errorf("resume with another --loss: status %d, %q", status, errOut)
	}
	status, _, errOut = runCLI("sample", "--run", dir)
	if status != 2 || !strings.Contains(errOut, "cannot draw samples") {
		t.Errorf("sample: status %d, %q", status, errOut)
	}
	scores := filepath.Join(tmp, "scores.csv")
	status, out, errOut = runCLI("score", "--run", dir, "--input", csv, "--out", scores)
	if b, err := os.ReadFile(scores); status != 0 || err != nil || strings.Count(string(b), "\n") != 301 {
		t.Errorf("score: status %d, %q %q, %v", status, out, errOut, err)
	}
	status, out, errOut = runCLI("export", "onnx", "--run", dir, "--out", filepath.Join(tmp, "energies.onnx"))
	if status != 0 || !strings.Contains(out, `output "energies"`) {
		t.Errorf("export: status %d, %q %q", status, out, errOut)
	}
	plot := filepath.Join(tmp, "ood.png")
	status, out, errOut = runCLI("ood", "--run", dir, "--input", far, "--plot", plot)
	if _, err := os.Stat(plot); status != 0 || err != nil || !strings.Contains(out, "energy: free energy") || !strings.Contains(out, "maximum softmax probability") {
		t.Errorf("ood: status %d, %q %q, %v", status, out, errOut, err)
	}
}

func TestLabelEnergyBadInput(t *testing.T) {
	tmp := t.TempDir()
	csv := filepath.Join(tmp, "train.csv")
	writeLabelCSV(t, csv, 30, 0, 1)
	unlabelled := filepath.Join(tmp, "unlabelled.csv")
	os.WriteFile(unlabelled, []byte("1,2\n3,4\n"), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--loss", "energy"}, "--loss: the energy loss has no margin"},
		{[]string{"--arch", "conv"}, "--arch: conv needs images"},
		{[]string{"--data", unlabelled}, "has no labels"},
		{[]string{"--epochs", "0"}, "--epochs: must be positive"},
	} {
		args := append([]string{"train", "ebm", "--target", "label", "--quiet", "--data", csv, "--out", filepath.Join(tmp, c.args[1])}, c.args...)
		status, _, errOut := runCLI(args...)
		if status != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: status %d, %q", c.args, status, errOut)
		}
	}
	status, _, errOut := runCLI("ood", "--run", tmp, "--input", csv)
	if status != 2 {
		t.Errorf("ood of a folder without a run: status %d, %q", status, errOut)
	}
}

// scanEBMArgs reads the choosing flags in every form the flag package
// takes.
func TestScanEBMArgs(t *testing.T) {
	for _, c := range []struct {
		args []string
		want ebmArgs
	}{
		{[]string{"--target", "label", "--data", "mnist"}, ebmArgs{target: "label", hasTarget: true, data: "mnist", hasData: true}},
		{[]string{"-target=label", "-data=idx:a"}, ebmArgs{target: "label", hasTarget: true, data: "idx:a", hasData: true}},
		{[]string{"--resume", "--out", "r"}, ebmArgs{resume: true, out: "r"}},
		{[]string{"--resume=true", "-out=r"}, ebmArgs{resume: true, out: "r"}},
		{[]string{"--resume=false", "--out", "r"}, ebmArgs{out: "r"}},
		{[]string{"--steps", "3", "ring8"}, ebmArgs{}},
	} {
		if got := scanEBMArgs(c.args); got != c.want {
			t.Errorf("%q: %+v, want %+v", c.args, got, c.want)
		}
	}
}
