package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tinyAutoencoder is the command line of a run of kind (ae or vae) on 256
// points of moons that takes a fraction of a second.
func tinyAutoencoder(kind, out string, extra ...string) []string {
	return append([]string{"train", kind, "--quiet", "--out", out, "--data", "moons", "--train-size", "256",
		"--epochs", "2", "--batch", "64", "--hidden", "16", "--latent", "2", "--checkpoint-every", "3"}, extra...)
}

// TestTrainAutoencoders trains each kind from the command line, resumes a
// run for more epochs, and samples from the VAE.
func TestTrainAutoencoders(t *testing.T) {
	for _, c := range []struct {
		kind  string
		extra []string
		want  string
		files []string
	}{
		{"ae", []string{"--variant", "contractive", "--contractive-weight", "0.01"}, "test loss", []string{"energy.png", "reconstructions.png"}},
		{"ae", []string{"--variant", "denoising", "--noise", "masking", "--noise-level", "0.2"}, "test loss", []string{"latent.png"}},
		{"vae", []string{"--iwae-k", "5", "--iwae-n", "100", "--warmup", "1"}, "IWAE (k=5, 100 test samples)", []string{"samples.png", "energy.png"}},
	} {
		t.Run(c.kind+" "+c.extra[1], func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			status, out, errOut := runCLI(tinyAutoencoder(c.kind, dir, c.extra...)...)
			if status != 0 || !strings.Contains(out, c.want) {
				t.Fatalf("status %d, out %q, err %q", status, out, errOut)
			}
			for _, f := range c.files {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("no %s: %v", f, err)
				}
			}
			status, out, errOut = runCLI("train", c.kind, "--quiet", "--resume", "--out", dir, "--epochs", "3")
			if status != 0 || !strings.Contains(out, "resuming") || !strings.Contains(out, "epoch 3:") {
				t.Errorf("resume for a third epoch: status %d, %q %q", status, out, errOut)
			}
			status, _, errOut = runCLI("train", c.kind, "--quiet", "--resume", "--out", dir, "--lr", "1")
			if status != 2 || !strings.Contains(errOut, "--lr cannot change when resuming") {
				t.Errorf("resume with another --lr: status %d, %q", status, errOut)
			}
			status, out, errOut = runCLI("sample", "--run", dir, "-n", "16")
			if c.kind == "vae" {
				if _, err := os.Stat(filepath.Join(dir, "sampled.png")); status != 0 || err != nil {
					t.Errorf("sample: status %d, %q %q, %v", status, out, errOut, err)
				}
			} else if status != 2 || !strings.Contains(errOut, "cannot draw samples") {
				t.Errorf("sample from an ae: status %d, %q", status, errOut)
			}
		})
	}
}

func TestAutoencoderBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--variant", "nope"}, "--variant: unknown variant"},
		{[]string{"--variant", "sparse", "--sparsity", "kl", "--code", "relu"}, "--code: the kl sparsity penalty"},
		{[]string{"--variant", "denoising", "--noise", "masking", "--noise-level", "1"}, "--noise-level: a masking rate"},
		{[]string{"--arch", "conv"}, "--arch: conv needs images"},
		{[]string{"--likelihood", "bernoulli"}, "--likelihood: bernoulli needs data in [0, 1]"},
		{[]string{"--epochs", "0"}, "--epochs: must be positive"},
	} {
		status, _, errOut := runCLI(tinyAutoencoder("ae", filepath.Join(dir, c.args[1]), c.args...)...)
		if status != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: status %d, %q", c.args, status, errOut)
		}
	}
}
