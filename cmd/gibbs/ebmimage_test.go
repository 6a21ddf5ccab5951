package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/ebm"
	"github.com/gibbsml/gibbs/ebm/imgebm"
	"github.com/gibbsml/gibbs/ebm/label"
)

// writeHalves writes an IDX image file and its label file of n 8x8
// images, class 0 lighting the top half and class 1 the bottom half, and
// returns the --data value naming them.
func writeHalves(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	images := binary.BigEndian.AppendUint32(nil, 0x803)
	labels := binary.BigEndian.AppendUint32(nil, 0x801)
	for _, d := range []uint32{uint32(n), 8, 8} {
		images = binary.BigEndian.AppendUint32(images, d)
	}
	labels = binary.BigEndian.AppendUint32(labels, uint32(n))
	for i := range n {
		labels = append(labels, byte(i%2))
		for p := range 64 {
			v := byte(20 * (p % 3))
			if (p < 32) == (i%2 == 0) {
				v = 220
			}
			images = append(images, v)
		}
	}
	ip, lp := filepath.Join(dir, "images.idx"), filepath.Join(dir, "labels.idx")
	if err := os.WriteFile(ip, images, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lp, labels, 0o644); err != nil {
		t.Fatal(err)
	}
	return "idx:" + ip + "," + lp
}

// TestTrainImageEnergies trains the image energy (gibbs train ebm on image
// data) and JEM from the command line, resumes each for more steps and
// samples from it.
func TestTrainImageEnergies(t *testing.T) {
	spec := writeHalves(t, 64)
	for _, c := range []struct {
		kind, want string
		files      []string
	}{
		{"ebm", "mean energy of test images", []string{"samples.png", "noise.png", "chain.png"}},
		{"jem", "test accuracy", []string{"classes.png", "accuracy.png"}},
	} {
		t.Run(c.kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			status, out, errOut := runCLI("train", c.kind, "--quiet", "--out", dir, "--data", spec, "--steps", "4", "--batch", "16",
				"--channels", "4,8", "--langevin-steps", "3", "--buffer", "32", "--sample-steps", "4", "--eval-every", "2", "--checkpoint-every", "2")
			if status != 0 || !strings.Contains(out, c.want) {
				t.Fatalf("status %d, out %q, err %q", status, out, errOut)
			}
			for _, f := range c.files {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("no %s: %v", f, err)
				}
			}
			status, out, errOut = runCLI("train", c.kind, "--quiet", "--resume", "--out", dir, "--steps", "6")
			if status != 0 || !strings.Contains(out, "resuming") || !strings.Contains(out, "step 6:") {
				t.Errorf("resume for more steps: status %d, %q %q", status, out, errOut)
			}
			status, out, errOut = runCLI("sample", "--run", dir, "-n", "8", "--steps", "3")
			if _, err := os.Stat(filepath.Join(dir, "sampled.png")); status != 0 || err != nil {
				t.Errorf("sample: status %d, %q %q, %v", status, out, errOut, err)
			}
		})
	}
	if status, _, errOut := runCLI("train", "jem", "--quiet", "--out", filepath.Join(t.TempDir(), "r"), "--data", "moons"); status != 2 || !strings.Contains(errOut, "--data") {
		t.Errorf("jem on 2-D points: status %d, %q", status, errOut)
	}
}

// TestEBMKind checks which kind of run 'gibbs train ebm' command lines
// go to.
func TestEBMKind(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", "mnist"}, imgebm.Kind},
		{[]string{"-data=fashion-mnist", "--steps", "3"}, imgebm.Kind},
		{[]string{"--data", "idx:a.idx"}, imgebm.Kind},
		{[]string{"--data", "mnist", "--target", "label"}, label.Kind},
		{[]string{"-target=label"}, label.Kind},
		{[]string{"--data", "ring8"}, ebm.Kind},
		{[]string{"--data", "points.csv"}, ebm.Kind},
		{[]string{"--data", "moon"}, ebm.Kind},
		{[]string{"--steps", "3"}, ebm.Kind},
		{[]string{"--resume", "--out", filepath.Join(t.TempDir(), "none")}, ebm.Kind},
	} {
		if got := ebmKind(c.args); got != c.want {
			t.Errorf("%q: kind %q, want %q", c.args, got, c.want)
		}
	}
}
