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
	}{
		{"plain", "1,2\n3,4\n", []int{2, 2}, []float32{1, 2, 3, 4}},
		{"header", "x,y\n1,2\n3,4\n", []int{2, 2}, []float32{1, 2, 3, 4}},
		{"spaces comments blank lines", "# a comment\n 1.5 , -2e3\n\n0x1p-2, 7\n", []int{2, 2}, []float32{1.5, -2000, 0.25, 7}},
		{"one column no trailing newline", "a\n1\n2\n3", []int{3, 1}, []float32{1, 2, 3}},
		{"crlf", "x,y,z\r\n1,2,3\r\n", []int{1, 3}, []float32{1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, err := ReadCSV(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(x.Shape(), tc.shape) || !slices.Equal(x.Data(), tc.values) {
				t.Errorf("got shape %v values %v, want %v %v", x.Shape(), x.Data(), tc.shape, tc.values)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "no data rows"},
		{"header only", "a,b\n", "no data rows"},
		{"ragged", "1,2\n3,4\n5\n", "line 3 has 1 fields, want 2"},
		{"ragged after header", "a,b\n1,2\n3,4,5\n", "line 3 has 3 fields, want 2"},
		{"not a number", "a,b\n1,2\n3,oops\n", `line 3, column 2: "oops" is not a number`},
		{"nan", "1,NaN\n", `line 1, column 2: "NaN" is not a finite number`},
		{"overflow", "1\n1e39\n", "line 2, column 1: \"1e39\" is out of float32 range"},
		{"bad quote", "1,2\n3,\"4\n", "line 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
