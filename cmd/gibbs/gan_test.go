package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainGANCommand trains a tiny packed GAN with a spectrally
// normalised discriminator on ring8, resumes it to more steps and samples
// it.
func TestTrainGANCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	args := []string{"train", "gan", "--quiet", "--data", "ring8", "--g-hidden", "16,16", "--d-hidden", "16", "--batch", "16",
		"--pack", "2", "--spectral-norm", "--ema", "0.9", "--steps", "6", "--eval-every", "3", "--out", dir}
	status, out, errOut := runCLI(args...)
	if status != 0 || !strings.Contains(out, "modes covered") {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out, errOut)
	}
	for _, f := range []string{"samples.png", "modes.png", "loss.png", "checkpoint.safetensors"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if status, out, errOut := runCLI("train", "gan", "--quiet", "--resume", "--steps", "8", "--out", dir); status != 0 || !strings.Contains(out, "step 8") {
		t.Errorf("resume: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	png := filepath.Join(t.TempDir(), "s.png")
	if status, out, errOut := runCLI("sample", "--run", dir, "-n", "50", "-o", png); status != 0 {
		t.Errorf("sample: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	if _, err := os.Stat(png); err != nil {
		t.Error(err)
	}
}

// TestGANBadFlags checks that bad settings are one line and status 2.
func TestGANBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--loss", "bogus"}, "loss: unknown loss"},
		{[]string{"--pack", "3", "--batch", "1"}, "batch: must hold at least two rows"},
		{[]string{"--init", "xavier"}, "init: unknown initialisation"},
		{[]string{"--d-maxout", "-2"}, "d-maxout: must be zero or positive"},
		{[]string{"--ema", "1"}, "ema: the decay must be in [0, 1)"},
		{[]string{"--loss", "ebgan", "--spectral-norm"}, "spectral-norm: applies to the classifier and critic"},
	} {
		args := append([]string{"train", "gan", "--quiet", "--out", filepath.Join(t.TempDir(), "run")}, c.args...)
		status, _, errOut := runCLI(args...)
		if status != 2 || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: status %d, stderr %q, want %q", c.args, status, errOut, c.want)
		}
	}
}
