package attention

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/gibbsml/gibbs/tensor"
)

// DefaultText is the corpus of the text task when Config.Text is empty:
// the Go language specification, an HTML file of about 290 kB in every Go
// distribution, read at run time from the GOROOT of the environment or,
// without one, of the go command ("go env GOROOT").
var DefaultText = sync.OnceValue(func() string {
	root := os.Getenv("GOROOT")
	if root == "" {
		if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
			root = strings.TrimSpace(string(out))
		}
	}
	return filepath.Join(root, "doc", "go_spec.html")
})

// corpus is a text as tokens: training part first, held-out part (the
// last tenth) after.
type corpus struct {
	train, test []int
	alphabet    []rune
}

// readCorpus reads the text file of the config (DefaultText when empty)
// and turns it into tokens of alphabet, or of the file's own characters
// when alphabet is empty.
func readCorpus(path, alphabet string) (*corpus, error) {
	if path == "" {
		path = DefaultText()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the text: %w", err)
	}
	text := []rune(string(b))
	c := &corpus{alphabet: []rune(alphabet)}
	if alphabet == "" {
		seen := map[rune]bool{}
		for _, r := range text {
			if !seen[r] {
				seen[r] = true
				c.alphabet = append(c.alphabet, r)
			}
		}
		slices.Sort(c.alphabet)
	}
	index := map[rune]int{}
	for i, r := range c.alphabet {
		index[r] = i
	}
	tokens := make([]int, len(text))
	for i, r := range text {
		t, ok := index[r]
		if !ok {
			return nil, fmt.Errorf("%s: character %q at %d is not in the run's alphabet", path, r, i)
		}
		tokens[i] = t
	}
	cut := len(tokens) * 9 / 10
	c.train, c.test = tokens[:cut], tokens[cut:]
	return c, nil
}

// windows draws n windows of length+1 tokens from the training part and
// returns each without its last token (the input) and without its first
// (the target: the next character at every position).
func (c *corpus) windows(rng *tensor.RNG, n, length int) pairs {
	var p pairs
	for range n {
		i := rng.IntN(len(c.train) - length)
		p.add(c.train[i:i+length], c.train[i+1:i+length+1])
	}
	return p
}

// chunks returns up to n consecutive, non-overlapping windows of the
// held-out part, as windows does.
func (c *corpus) chunks(n, length int) pairs {
	var p pairs
	for i := 0; len(p.src) < n && i+length+1 <= len(c.test); i += length {
		p.add(c.test[i:i+length], c.test[i+1:i+length+1])
	}
	return p
}

// Generate continues prompt (characters of the run's alphabet) by n
// characters, each drawn from the model's next-character distribution
// at the given temperature (0: the most likely one), seeing at most the
// last Length characters. The model must be of the text task.
func (m *Transformer) Generate(prompt string, n int, temperature float64, rng *tensor.RNG) (string, error) {
	if m.Config.Task != "text" {
		return "", fmt.Errorf("attention: Generate needs a model of the text task, not %s", m.Config.Task)
	}
	alphabet := []rune(m.Config.Alphabet)
	seq, err := m.Config.textTokens(prompt)
	if err != nil {
		return "", fmt.Errorf("attention: prompt: %w", err)
	}
	if len(seq) == 0 {
		seq = []int{0}
	}
	var out strings.Builder
	for range n {
		ctx := seq[max(0, len(seq)-m.Config.Length):]
		logits := m.Logits(idTensor([][]int{ctx}), nil).DetachRelease()
		last := logits.Narrow(1, len(ctx)-1, 1).Data()
		next := sampleToken(last, temperature, rng)
		seq = append(seq, next)
		out.WriteRune(alphabet[next])
	}
	return out.String(), nil
}

// sampleToken draws an index from softmax(logits / temperature), or takes
// the largest with temperature 0.
func sampleToken(logits []float32, temperature float64, rng *tensor.RNG) int {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	if temperature <= 0 {
		return best
	}
	ps := make([]float64, len(logits))
	var sum float64
	for i, v := range logits {
		ps[i] = math.Exp(float64(v-logits[best]) / temperature)
		sum += ps[i]
	}
	u := rng.Float64() * sum
	for i, p := range ps {
		if u < p {
			return i
		}
		u -= p
	}
	return best
}

// runeLabel is how a picture writes a character: itself when printable,
// otherwise an underscore.
func runeLabel(r rune) string {
	if unicode.IsPrint(r) && r != ' ' {
		return string(r)
	}
	return "_"
}
