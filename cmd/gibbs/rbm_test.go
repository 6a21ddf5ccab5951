package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainRBMCommand trains a tiny PCD RBM on a CSV file of binary rows,
// resumes it for another epoch, samples it and scores rows by their free
// energy.
func TestTrainRBMCommand(t *testing.T) {
	root := t.TempDir()
	var rows strings.Builder
	for i := range 60 {
		for j := range 9 {
			if j > 0 {
				rows.WriteByte(',')
			}
			fmt.Fprint(&rows, (i+j)%3/2) // three repeating patterns
		}
		rows.WriteByte('\n')
	}
	csv := writeFile(t, root, "rows.csv", []byte(rows.String()))
	dir := filepath.Join(root, "run")
	status, out, errOut := runCLI("train", "rbm", "--quiet", "--data", csv, "--hidden", "4", "--k", "2", "--persistent", "--epochs", "2",
		"--batch", "10", "--ais-runs", "10", "--ais-betas", "100", "--out", dir)
	if status != 0 || !strings.Contains(out, "pseudo-likelihood") || !strings.Contains(out, "AIS (10 runs, 100 betas)") {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "pl.png")); err != nil {
		t.Error(err)
	}
	if status, out, errOut := runCLI("train", "rbm", "--quiet", "--resume", "--epochs", "3", "--out", dir); status != 0 || !strings.Contains(out, "epoch 3:") {
		t.Errorf("resume: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if status, out, errOut := runCLI("sample", "--run", dir, "-n", "8", "--steps", "5", "-o", filepath.Join(root, "s.csv")); status != 0 || !strings.Contains(out, "wrote 8 samples") {
		t.Errorf("sample: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if status, out, errOut := runCLI("score", "--run", dir, "--input", csv, "--out", filepath.Join(root, "scores.csv")); status != 0 || !strings.Contains(out, "energies") {
		t.Errorf("score: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if status, _, errOut := runCLI("train", "rbm", "--quiet", "--data", csv, "--k", "0", "--out", filepath.Join(root, "bad")); status != 2 || !strings.Contains(errOut, "k: must be positive") {
		t.Errorf("--k 0: status %d, stderr %q", status, errOut)
	}
}
