package data

import (
	"slices"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		shape    []int
		values   []float32
		labels   []int
		classes  int
	}{
		{"plain", "1,2\n3,4\n", []int{2, 2}, []float32{1, 2, 3, 4}, nil, 0},
		{"header", "x,y\n1,2\n3,4\n", []int{2, 2}, []float32{1, 2, 3, 4}, nil, 0},
		{"spaces comments blank lines", "# a comment\n 1.5 , -2e3\n\n0x1p-2, 7\n", []int{2, 2}, []float32{1.5, -2000, 0.25, 7}, nil, 0},
		{"one column no trailing newline", "a\n1\n2\n3", []int{3, 1}, []float32{1, 2, 3}, nil, 0},
		{"crlf", "x,y,z\r\n1,2,3\r\n", []int{1, 3}, []float32{1, 2, 3}, nil, 0},
		{"label last", "x,y,label\n1,2,0\n3,4,2\n", []int{2, 2}, []float32{1, 2, 3, 4}, []int{0, 2}, 3},
		{"label first any case", " Label ,x\n1,5\n0,6\n1.0,7\n", []int{3, 1}, []float32{5, 6, 7}, []int{1, 0, 1}, 2},
		{"label column needs a header", "1,2\n", []int{1, 2}, []float32{1, 2}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ReadCSV(strings.NewReader(tc.in), "in.csv")
			if err != nil {
				t.Fatal(err)
			}
			x := s.X
			if !slices.Equal(x.Shape(), tc.shape) || !slices.Equal(x.Data(), tc.values) {
				t.Errorf("got shape %v values %v, want %v %v", x.Shape(), x.Data(), tc.shape, tc.values)
			}
			if !slices.Equal(s.Shape, tc.shape[1:]) || !slices.Equal(s.Labels, tc.labels) || s.Classes != tc.classes || s.Name != "in.csv" {
				t.Errorf("got sample shape %v labels %v classes %d name %q, want %v %v %d in.csv", s.Shape, s.Labels, s.Classes, s.Name, tc.shape[1:], tc.labels, tc.classes)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "data: in.csv holds no data rows"},
		{"header only", "a,b\n", "data: in.csv holds no data rows"},
		{"ragged", "1,2\n3,4\n5\n", "data: in.csv line 3 has 1 fields, want 2 like the first data row"},
		{"ragged after header", "a,b\n1,2\n3,4,5\n", "data: in.csv line 3 has 3 fields, want 2 like the header"},
		{"shorter than header", "a,b,c\n1,2\n", "data: in.csv line 2 has 2 fields, want 3 like the header"},
		{"not a number", "a,b\n1,2\n3,oops\n", `data: in.csv line 3, column 2 (b): "oops" is not a number`},
		{"nan", "1,NaN\n", `data: in.csv line 1, column 2: "NaN" is not a finite number`},
		{"inf", "1,2\n-Inf,2\n", `data: in.csv line 2, column 1: "-Inf" is not a finite number`},
		{"overflow", "1\n1e39\n", `data: in.csv line 2, column 1: "1e39" is out of float32 range`},
		{"bad quote", "1,2\n3,\"4\n", "data: in.csv line 2, column"},
		{"fractional label", "x,label\n1,0\n2,2.5\n", `data: in.csv line 3, column 2 (label): label "2.5" is not a whole number from 0 to 65535`},
		{"negative label", "label,x\n-1,0\n", `data: in.csv line 2, column 1 (label): label "-1" is not a whole number`},
		{"nan label", "label,x\nNaN,0\n", `label "NaN" is not a whole number`},
		{"huge label", "label,x\n1e9,0\n", `label "1e9" is not a whole number`},
		{"word label", "x,label\n1,cat\n", `data: in.csv line 2, column 2 (label): label "cat" is not a whole number`},
		{"two label columns", "label,x,LABEL\n1,2,3\n", "data: in.csv line 1: columns 1 and 3 are both named label"},
		{"only a label", "label\n1\n", "data: in.csv line 1: no feature columns besides the label"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tc.in), "in.csv")
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line containing %q", err, tc.want)
			}
		})
	}
}
