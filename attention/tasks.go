package attention

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"

	"github.com/gibbsml/gibbs/tensor"
)

// Tasks lists the sequence tasks of kind "transformer", after the
// algorithmic tasks of the University of Amsterdam's deep learning
// tutorial 6. Tokens are 0..Vocab-1.
//
//	reverse   Length tokens, backwards
//	copy      Length tokens, unchanged
//	sort      Length tokens, in increasing order
//	addition  two numbers of Length digits in base Vocab joined by a plus
//	          token: their sum in Length+1 digits; all numbers are written
//	          least significant digit first, the order in which a carry
//	          travels, so that each digit of the answer follows from the
//	          operands' digits in its place and the digits before it
//	text      Length characters of a text file: the next character at
//	          every position (a character-level language model; the
//	          vocabulary is the file's characters)
//
// reverse, copy and sort map a sequence to one of the same length, which
// an encoder classifies position by position; addition is answered by an
// encoder-decoder, one digit at a time; text by an encoder whose
// self-attention is causal.
var Tasks = []string{"reverse", "copy", "sort", "addition", "text"}

// seq2seq reports whether task is answered by an encoder-decoder.
func seq2seq(task string) bool { return task == "addition" }

// The tokens beyond the vocabulary of an addition: the plus sign between
// the operands and the start token the decoder begins from.
func plusToken(vocab int) int  { return vocab }
func startToken(vocab int) int { return vocab + 1 }

// sourceLength and targetLength are the lengths of a task's sequences.
func (c Config) sourceLength() int {
	if seq2seq(c.Task) {
		return 2*c.Length + 1
	}
	return c.Length
}

func (c Config) targetLength() int {
	if seq2seq(c.Task) {
		return c.Length + 1
	}
	return c.Length
}

// pairs holds inputs and their targets.
type pairs struct{ src, tgt [][]int }

func (p *pairs) add(src, tgt []int) {
	p.src, p.tgt = append(p.src, src), append(p.tgt, tgt)
}

// pairs draws n inputs of the config's (generated) task and their targets,
// all in the held-out split when test is set and none of them otherwise.
func (c Config) pairs(rng *tensor.RNG, n int, test bool) pairs {
	var p pairs
	for _, s := range c.sequences(rng, n, test) {
		p.add(s, c.target(s))
	}
	return p
}

// target returns the answer of the config's task for src.
func (c Config) target(src []int) []int {
	out := slices.Clone(src)
	switch c.Task {
	case "reverse":
		slices.Reverse(out)
	case "sort":
		slices.Sort(out)
	case "copy":
	case "addition":
		a, b := src[:c.Length], src[c.Length+1:]
		out = make([]int, c.Length+1)
		carry := 0
		for i := range c.Length {
			s := a[i] + b[i] + carry
			out[i], carry = s%c.Vocab, s/c.Vocab
		}
		out[c.Length] = carry
	default:
		panic(fmt.Sprintf("attention: unknown task %q", c.Task))
	}
	return out
}

// heldOut reports whether src belongs to the held-out split: about one
// sequence in ten, chosen by a hash of its tokens, so that no training
// batch ever holds a test sequence.
func heldOut(src []int) bool {
	h := fnv.New64a()
	for _, t := range src {
		h.Write([]byte{byte(t), byte(t >> 8)})
	}
	return h.Sum64()%10 == 0
}

// sequences draws n inputs of the config's task from rng, all in the
// held-out split when test is set and none of them otherwise.
func (c Config) sequences(rng *tensor.RNG, n int, test bool) [][]int {
	out := make([][]int, 0, n)
	for len(out) < n {
		s := make([]int, c.sourceLength())
		for i := range s {
			s[i] = rng.IntN(c.Vocab)
		}
		if seq2seq(c.Task) {
			s[c.Length] = plusToken(c.Vocab)
		}
		if heldOut(s) == test {
			out = append(out, s)
		}
	}
	return out
}

// tokenLabel is how a picture writes a token.
func (c Config) tokenLabel(t int) string {
	switch {
	case c.Task == "text":
		return runeLabel([]rune(c.Alphabet)[t])
	case !seq2seq(c.Task) || t < c.Vocab:
		return strconv.Itoa(t)
	case t == plusToken(c.Vocab):
		return "+"
	}
	return "="
}

// idTensor turns sequences of equal length into a tensor [B, L] of token
// ids, as Embedding takes them.
func idTensor(seqs [][]int) *tensor.Tensor {
	l := len(seqs[0])
	out := tensor.Zeros(len(seqs), l)
	d := out.Values()
	for i, s := range seqs {
		for j, t := range s {
			d[i*l+j] = float32(t)
		}
	}
	return out
}
