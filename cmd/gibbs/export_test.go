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

// TestExportONNX exports each network of a trained VAE and checks that
// the files are the package onnx's export of the opened run's networks;
// the onnx package's tests check those against ONNX Runtime.
func TestExportONNX(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "vae")
	if status, _, errOut := runCLI(tinyAutoencoder("vae", dir)...); status != 0 {
		t.Fatalf("train: status %d, %s", status, errOut)
	}
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
		want, err := onnx.Marshal(net, "the "+net.Name+" of the vae model of "+dir)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the file is not the export of the run's %s", path, net.Name)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "tflite"}, `unknown format "tflite"`},
		{[]string{"export", "onnx", "--run", dir}, "--run and --out are required"},
		{[]string{"export", "onnx", "--run", dir, "--out", filepath.Join(t.TempDir(), "x.onnx"), "--net", "energy"}, `no network "energy" (have decoder, encoder)`},
	} {
		if status, _, errOut := runCLI(c.args...); status != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: status %d, %q, want 2 and %q", c.args, status, errOut, c.want)
		}
	}
}
