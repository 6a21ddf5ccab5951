package attention

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gibbsml/gibbs/tensor"
)

// writeText writes a small repetitive text and returns its path.
func writeText(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	rng := tensor.NewRNG(1)
	words := []string{"the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "it"}
	for b.Len() < 20000 {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteByte(" \n"[min(1, rng.IntN(12)/11)])
	}
	path := filepath.Join(t.TempDir(), "text.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func tinyTextConfig(path string) Config {
	c := TextConfig()
	c.Text, c.Length, c.DModel, c.Heads, c.Layers, c.FF = path, 16, 32, 2, 1, 64
	c.Steps, c.Batch, c.EvalEvery, c.Warmup, c.TestSize = 150, 32, 150, 20, 50
	return c
}

// TestTextModel trains a character-level model briefly, checks that it
// beats the uniform code of its alphabet by far, and uses the run from
// train.Open: its alphabet travels in the config and it writes text.
func TestTextModel(t *testing.T) {
	textPath := writeText(t)
	cfg := tinyTextConfig(textPath)
	path := filepath.Join(t.TempDir(), "text")
	res, err := trainIn(t, path, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m := openModel(t, path)
	alphabet := []rune(m.Config.Alphabet)
	if string(alphabet) != "\n acdeghimnorst" {
		t.Errorf("alphabet %q", string(alphabet))
	}
	bpc, uniform := res.TestLoss/math.Ln2, math.Log2(float64(len(alphabet)))
	if bpc > 0.7*uniform {
		t.Errorf("held-out %.3f bits per character after %d steps, want well below the uniform %.3f", bpc, res.Step, uniform)
	}
	out, err := m.Generate("the ", 50, 1, tensor.NewRNG(2))
	if err != nil || utf8.RuneCountInString(out) != 50 || strings.ContainsFunc(out, func(r rune) bool { return !strings.ContainsRune(string(alphabet), r) }) {
		t.Errorf("generated %q, %v; want 50 characters of the alphabet", out, err)
	}
	if _, err := m.Generate("xyz", 5, 1, tensor.NewRNG(2)); err == nil {
		t.Error("a prompt out of the alphabet gave no error")
	}
	if _, err := os.Stat(filepath.Join(path, "sample.txt")); err != nil {
		t.Error(err)
	}
	// A resumed run refuses a text with characters its alphabet lacks.
	if err := os.WriteFile(textPath, []byte(strings.Repeat("xyz ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg = m.Config
	cfg.Steps = 200
	if _, err := trainIn(t, path, cfg); err == nil || !strings.Contains(err.Error(), "not in the run's alphabet") {
		t.Errorf("resume on another text: %v", err)
	}
}

// TestTextIsCausal checks that the scores at a position do not depend on
// the characters after it.
func TestTextIsCausal(t *testing.T) {
	cfg := tinyTextConfig("")
	cfg.Vocab, cfg.Alphabet = 4, "abcd"
	m := NewTransformer(cfg)
	a := m.Logits(tensor.New([]float32{0, 1, 2, 3}, 1, 4), nil).DetachRelease()
	b := m.Logits(tensor.New([]float32{0, 1, 0, 0}, 1, 4), nil).DetachRelease()
	if !close(a.Narrow(1, 0, 2).Data(), b.Narrow(1, 0, 2).Data(), 0) {
		t.Error("scores of the first two positions depend on the later characters")
	}
}
