package attention

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ParseInput reads an input of the config's task as a person writes it:
// tokens separated by commas or spaces ("3 1 4 1 5 9"), for addition two
// numbers in base Vocab ("123+456", most significant digit first, as
// usual), for text the characters themselves. It checks the length and
// the tokens.
func (c Config) ParseInput(s string) ([]int, error) {
	switch c.Task {
	case "text":
		seq, err := c.textTokens(s)
		if err != nil {
			return nil, err
		}
		if len(seq) == 0 || len(seq) > c.Length {
			return nil, fmt.Errorf("%d characters, want 1 to %d", len(seq), c.Length)
		}
		return seq, nil
	case "addition":
		a, b, ok := strings.Cut(s, "+")
		if !ok {
			return nil, fmt.Errorf("%q is not a sum like 123+456", s)
		}
		da, err := c.digits(a)
		if err != nil {
			return nil, err
		}
		db, err := c.digits(b)
		if err != nil {
			return nil, err
		}
		return append(append(da, plusToken(c.Vocab)), db...), nil
	}
	var seq []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		t, err := strconv.Atoi(f)
		if err != nil || t < 0 || t >= c.Vocab {
			return nil, fmt.Errorf("token %q is not a whole number in [0, %d)", f, c.Vocab)
		}
		seq = append(seq, t)
	}
	if len(seq) != c.Length {
		return nil, fmt.Errorf("%d tokens, want %d", len(seq), c.Length)
	}
	return seq, nil
}

// textTokens returns the tokens of the characters of s.
func (c Config) textTokens(s string) ([]int, error) {
	alphabet := []rune(c.Alphabet)
	var seq []int
	for _, r := range s {
		i := slices.Index(alphabet, r)
		if i < 0 {
			return nil, fmt.Errorf("character %q is not in the model's alphabet", r)
		}
		seq = append(seq, i)
	}
	return seq, nil
}

// digits returns the number s in base Vocab as Length digits, least
// significant first.
func (c Config) digits(s string) ([]int, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(s), c.Vocab, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a number in base %d", s, c.Vocab)
	}
	d := make([]int, c.Length)
	for i := range d {
		d[i] = int(n % uint64(c.Vocab))
		n /= uint64(c.Vocab)
	}
	if n != 0 {
		return nil, fmt.Errorf("%q has more than %d digits", s, c.Length)
	}
	return d, nil
}

// FormatOutput writes an answer of the config's task as ParseInput reads
// inputs: tokens separated by spaces, a number for addition (most
// significant digit first, without leading zeros), characters for text.
func (c Config) FormatOutput(seq []int) string {
	var b strings.Builder
	switch c.Task {
	case "text":
		alphabet := []rune(c.Alphabet)
		for _, t := range seq {
			b.WriteRune(alphabet[t])
		}
	case "addition":
		for i := len(seq) - 1; i >= 0; i-- {
			if seq[i] != 0 || b.Len() > 0 || i == 0 {
				b.WriteString(strconv.FormatInt(int64(seq[i]), c.Vocab))
			}
		}
	default:
		for i, t := range seq {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(t))
		}
	}
	return b.String()
}
