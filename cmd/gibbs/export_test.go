package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/onnx"
	"github.com/gibbsml/gibbs/train"
)

// TestExportONNX exports each network of a trained VAE and GAN and checks
// that the files are the package onnx's export of the opened run's
// networks; the onnx package's tests check those against ONNX Runtime.
func TestExportONNX(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "vae")
	if status, _, errOut := runCLI(tinyAutoencoder("vae", dir)...); status != 0 {
		t.Fatalf("train: status %d, %s", status, errOut)
	}
	gan := filepath.Join(root, "gan")
	if status, _, errOut := runCLI("train", "gan", "--quiet", "--out", gan, "--steps", "4", "--eval-every", "4", "--batch", "16",
		"--g-hidden", "8", "--d-hidden", "8", "--g-batchnorm"); status != 0 {
		t.Fatalf("train gan: status %d, %s", status, errOut)
	}
	for _, run := range []string{dir, gan} {
		exportEach(t, run)
	}
	lista := filepath.Join(root, "lista")
	if status, _, errOut := runCLI("train", "lista", "--quiet", "--out", lista, "--steps", "20", "--depth", "1"); status != 0 {
		t.Fatalf("train lista: status %d, %s", status, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "tflite"}, `unknown format "tflite"`},
		{[]string{"export", "onnx", "--run", dir}, "--run and --out are required"},
		{[]string{"export", "onnx", "--run", dir, "--out", filepath.Join(t.TempDir(), "x.onnx"), "--net", "energy"}, `no network "energy" (have decoder, encoder)`},
		{[]string{"export", "onnx", "--run", lista, "--out", filepath.Join(t.TempDir(), "x.onnx")}, "lista"},
	} {
		if status, _, errOut := runCLI(c.args...); status != 2 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: status %d, %q, want 2 and one line with %q", c.args, status, errOut, c.want)
		}
	}
}

// exportEach exports every network of the run in dir and checks that each
// file is onnx.Marshal of the opened run's network.
func exportEach(t *testing.T, dir string) {
	t.Helper()
	m, err := train.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, net := range m.(train.Networks).Networks() {
		path := filepath.Join(t.TempDir(), net.Name+".onnx")
		args := []string{"export", "onnx", "--run", dir, "--out", path, "--net", net.Name}
		if i == 0 {
			args = args[:len(args)-2] // the first is the default
		}
		status, out, errOut := runCLI(args...)
		if status != 0 || !strings.Contains(out, "wrote the "+net.Name) {
			t.Fatalf("%v: status %d, %q %q", args, status, out, errOut)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want, err := onnx.Marshal(net, "the "+net.Name+" of the "+m.Kind()+" model of "+dir)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the file is not the export of the run's %s", path, net.Name)
		}
	}
}
