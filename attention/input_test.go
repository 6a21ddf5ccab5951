package attention

import (
	"slices"
	"strings"
	"testing"
)

func TestParseAndFormat(t *testing.T) {
	text := Config{Task: "text", Length: 5, Vocab: 4, Alphabet: "abc\n"}
	for _, tc := range []struct {
		cfg     Config
		in      string
		want    []int
		problem string
	}{
		{Config{Task: "reverse", Length: 4, Vocab: 10}, "3 1, 4 1", []int{3, 1, 4, 1}, ""},
		{Config{Task: "reverse", Length: 4, Vocab: 10}, "3 1 4", nil, "3 tokens, want 4"},
		{Config{Task: "sort", Length: 2, Vocab: 10}, "3 10", nil, `token "10"`},
		{Config{Task: "addition", Length: 3, Vocab: 10}, "931+89", []int{1, 3, 9, 10, 9, 8, 0}, ""},
		{Config{Task: "addition", Length: 3, Vocab: 10}, "1000+1", nil, "more than 3 digits"},
		{Config{Task: "addition", Length: 3, Vocab: 10}, "12", nil, "not a sum"},
		{text, "ab\nc", []int{0, 1, 3, 2}, ""},
		{text, "abd", nil, `character 'd'`},
		{text, "aaaaaa", nil, "6 characters"},
	} {
		got, err := tc.cfg.ParseInput(tc.in)
		if tc.problem != "" {
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%s %q: error %v, want one with %q", tc.cfg.Task, tc.in, err, tc.problem)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s %q: %v, %v; want %v", tc.cfg.Task, tc.in, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		cfg  Config
		seq  []int
		want string
	}{
		{Config{Task: "reverse"}, []int{3, 1, 4}, "3 1 4"},
		{Config{Task: "addition", Vocab: 10}, []int{0, 2, 0, 1}, "1020"},
		{Config{Task: "addition", Vocab: 10}, []int{5, 0, 0, 0}, "5"},
		{Config{Task: "addition", Vocab: 10}, []int{0, 0, 0, 0}, "0"},
		{text, []int{2, 3, 0}, "c\na"},
	} {
		if got := tc.cfg.FormatOutput(tc.seq); got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.cfg.Task, tc.seq, got, tc.want)
		}
	}
}
