package attention

import (
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/gibbsml/gibbs/tensor"
)

// Tasks lists the sequence tasks of kind "transformer" (the algorithmic
// tasks of the University of Amsterdam's deep learning tutorial 6): each
// maps a sequence of Length tokens from a vocabulary of Vocab to a target
// sequence of the same length.
//
//	reverse   the sequence backwards
//	copy      the sequence itself
//	sort      the tokens in increasing order
var Tasks = []string{"reverse", "copy", "sort"}

// target returns the answer of task for src.
func target(task string, src []int) []int {
	out := slices.Clone(src)
	switch task {
	case "reverse":
		slices.Reverse(out)
	case "sort":
		slices.Sort(out)
	case "copy":
	default:
		panic(fmt.Sprintf("attention: unknown task %q", task))
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

// sequences draws n sequences of length tokens below vocab from rng, all in
// the held-out split when test is set and none of them otherwise.
func sequences(rng *tensor.RNG, n, length, vocab int, test bool) [][]int {
	out := make([][]int, 0, n)
	for len(out) < n {
		s := make([]int, length)
		for i := range s {
			s[i] = rng.IntN(vocab)
		}
		if heldOut(s) == test {
			out = append(out, s)
		}
	}
	return out
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
