package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// idxFiles writes n 4x4 IDX images, bright on the left for label 0 and on
// the right for label 1, and their labels, and returns the two paths.
func idxFiles(t *testing.T, dir string, n int) (images, labels string) {
	img := binary.BigEndian.AppendUint32(nil, 0x803)
	for _, d := range []int{n, 4, 4} {
		img = binary.BigEndian.AppendUint32(img, uint32(d))
	}
	lab := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 0x801), uint32(n))
	for i := range n {
		label := i % 2
		lab = append(lab, byte(label))
		for p := range 16 {
			v := byte(10 * (i % 7))
			if (p%4 < 2) == (label == 0) {
				v = 240 - byte(i%5)
			}
			img = append(img, v)
		}
	}
	return writeFile(t, dir, "images.idx", img), writeFile(t, dir, "labels.idx", lab)
}

// TestScore scores labelled samples under runs of each energy kind and
// checks the file and the AUROC line.
func TestScore(t *testing.T) {
	root := t.TempDir()
	images, labels := idxFiles(t, root, 64)
	points := writeFile(t, root, "points.csv", []byte("x,y,label\n0.5,0.2,0\n1,0,0\n-0.8,0.6,0\n9,9,1\n-8,7,2\n"))
	for _, c := range []struct {
		name  string
		train []string // nil: score the run of the case "ae"
		input string
		extra []string
		rows  int
		want  string // in the output
	}{
		{"ebm", smallRun(filepath.Join(root, "ebm"), 2), points, nil, 5, "energy as anomaly score, 3 normal samples (labels [0]), 2 anomalies"},
		{"ae", tinyAutoencoder("ae", filepath.Join(root, "ae")), points, []string{"--batch", "2"}, 5, "3 normal samples (labels [0]), 2 anomalies"},
		{"vae", tinyAutoencoder("vae", filepath.Join(root, "vae"), "--iwae-k", "0"), points, []string{"--normal", "0,2"}, 5, "4 normal samples (labels [0 2]), 1 anomalies"},
		{"unlabelled", nil, writeFile(t, root, "plain.csv", []byte("1,2\n3,4\n")), nil, 2, "wrote the energies of"},
		{"one class only", nil, points, []string{"--normal", "0,1,2"}, 5, "no AUROC with normal labels [0 1 2]"},
		{"ae of one class, idx", []string{"train", "ae", "--quiet", "--out", filepath.Join(root, "idx"), "--data", "idx:" + images + "," + labels,
			"--class", "1", "--epochs", "1", "--batch", "8", "--hidden", "8", "--latent", "2"}, "idx:" + images + "," + labels, nil, 64, "32 normal samples (labels [1]), 32 anomalies"},
	} {
		t.Run(c.name, func(t *testing.T) {
			run := filepath.Join(root, "ae") // trained by the case "ae"
			if c.train != nil {
				if status, _, errOut := runCLI(c.train...); status != 0 {
					t.Fatalf("training: status %d, %q", status, errOut)
				}
				run = c.train[slices.Index(c.train, "--out")+1]
			}
			out := filepath.Join(t.TempDir(), "scores.csv")
			args := append([]string{"score", "--run", run, "--input", c.input, "--out", out}, c.extra...)
			status, stdout, errOut := runCLI(args...)
			if status != 0 || !strings.Contains(stdout, c.want) {
				t.Fatalf("status %d, %q %q, want %q", status, stdout, errOut, c.want)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			header := "energy,label"
			if c.name == "unlabelled" {
				header = "energy"
			}
			if lines[0] != header || len(lines) != c.rows+1 {
				t.Errorf("file starts %q and has %d lines, want %s and %d rows", lines[0], len(lines), header, c.rows)
			}
		})
	}
}

// TestScoreBadInput: each mistake is one line, status 2, and no file.
func TestScoreBadInput(t *testing.T) {
	root := t.TempDir()
	run := filepath.Join(root, "ae")
	if status, _, errOut := runCLI(tinyAutoencoder("ae", run)...); status != 0 {
		t.Fatal(errOut)
	}
	other := filepath.Join(root, "transformer")
	if status, _, errOut := runCLI("train", "transformer", "--quiet", "--length", "5", "--steps", "2", "--eval-every", "2", "--test-size", "4", "--out", other); status != 0 {
		t.Fatal(errOut)
	}
	csv := func(name, content string) string { return writeFile(t, root, name, []byte(content)) }
	badMagic := writeFile(t, root, "bad.idx", []byte{0, 0, 8, 1, 0, 0, 0, 1, 7})
	for _, c := range []struct {
		name, run, input string
		want             string
	}{
		{"ragged rows", run, csv("ragged.csv", "1,2\n3\n"), "ragged.csv line 2 has 1 fields, want 2"},
		{"not a number", run, csv("word.csv", "x,y\n1,2\n3,four\n"), `word.csv line 3, column 2 (y): "four" is not a number`},
		{"NaN", run, csv("nan.csv", "1,2\nNaN,0\n"), `nan.csv line 2, column 1: "NaN" is not a finite number`},
		{"wrong feature count", run, csv("wide.csv", "1,2,3\n"), "wide.csv line 1 has 3 feature columns, want 2"},
		{"wrong feature count in a later batch", run, csv("late.csv", strings.Repeat("1,2\n", 700)+"1,2,3\n"), "late.csv line 701 has 3 fields, want 2"},
		{"wrong feature count, idx", run, "idx:" + writeFile(t, root, "img.idx", append([]byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 3}, 1, 2, 3)), "row 1 has 3 features, want 2"},
		{"idx with a wrong magic", run, "idx:" + badMagic, "bad.idx: magic number 0x00000801, want 0x00000803"},
		{"another kind", other, csv("ok.csv", "1,2\n"), "run of kind transformer has no energy"},
		{"missing run", filepath.Join(root, "nowhere"), csv("ok2.csv", "1,2\n"), "nowhere"},
		{"missing input", run, filepath.Join(root, "absent.csv"), "absent.csv: no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "scores.csv")
			status, _, errOut := runCLI("score", "--run", c.run, "--input", c.input, "--out", out)
			if status != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("status %d, %q, want one line with %q", status, errOut, c.want)
			}
			if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) > 0 {
				t.Errorf("left %s behind", entries[0].Name())
			}
		})
	}
}

func TestScoreBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--run and --input are required"},
		{[]string{"--run", "r"}, "--run and --input are required"},
		{[]string{"--run", "r", "--input", "x.csv", "--batch", "0"}, "--batch must be positive"},
		{[]string{"--run", "r", "--input", "x.csv", "--normal", "1,x"}, "want labels like 0,1"},
	} {
		status, _, errOut := runCLI(append([]string{"score"}, c.args...)...)
		if status != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: status %d, %q, want %q", c.args, status, errOut, c.want)
		}
	}
}
