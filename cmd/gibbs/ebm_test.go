package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGrid25Recipe checks that a grid25 run without flags for them reads
// quadratic features and takes the smaller Langevin step of its recipe,
// that config.json records them and a flag overrides them, and that the
// run scores points, samples and exports to ONNX.
func TestGrid25Recipe(t *testing.T) {
	root := t.TempDir()
	for _, c := range []struct {
		name  string
		extra []string
		want  map[string]any // config.json values; nil: key absent
	}{
		{"defaults", nil, map[string]any{"features": "quadratic", "feature_scale": 3.0, "step_size": 0.0003, "langevin_steps": 3.0}},
		{"point", []string{"--features", "point", "--step-size", "0.0005"}, map[string]any{"features": "point", "feature_scale": nil, "step_size": 0.0005}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(root, c.name)
			if status, _, errOut := runCLI(smallRun(dir, 10, append([]string{"--data", "grid25"}, c.extra...)...)...); status != 0 {
				t.Fatalf("status %d: %s", status, errOut)
			}
			b, err := os.ReadFile(filepath.Join(dir, "config.json"))
			if err != nil {
				t.Fatal(err)
			}
			var cfg struct {
				Config map[string]any `json:"config"`
			}
			if err := json.Unmarshal(b, &cfg); err != nil {
				t.Fatal(err)
			}
			for k, want := range c.want {
				if got, ok := cfg.Config[k]; got != want || ok != (want != nil) {
					t.Errorf("config.json: %s = %v, want %v", k, got, want)
				}
			}
		})
	}
	dir := filepath.Join(root, "defaults")
	csv := writeFile(t, root, "points.csv", []byte("x,y\n0,0\n1,-1\n"))
	if status, out, errOut := runCLI("score", "--run", dir, "--input", csv, "--out", filepath.Join(root, "scores.csv")); status != 0 || !strings.Contains(out, "energies") {
		t.Errorf("score: status %d, %q %q", status, out, errOut)
	}
	if status, out, errOut := runCLI("sample", "--run", dir, "-n", "20", "--steps", "3", "-o", filepath.Join(root, "samples.csv")); status != 0 {
		t.Errorf("sample: status %d, %q %q", status, out, errOut)
	}
	exportEach(t, dir)
}
