package data

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestCSVBatches(t *testing.T) {
	const in = "# scores\nx,label,y\n1,0,2\n3,1,4\n\n5,1,6\n7,0,8\n9,2,10\n"
	whole, err := ReadCSV(strings.NewReader(in), "in.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		batch, features int
		sizes           []int
	}{
		{2, 2, []int{2, 2, 1}},
		{5, 0, []int{5}},
		{100, 2, []int{5}},
	} {
		b, err := NewCSVBatches(strings.NewReader(in), CSVBatchOptions{Name: "in.csv", BatchSize: tc.batch, Features: tc.features})
		if err != nil {
			t.Fatal(err)
		}
		var x []float32
		var labels, sizes []int
		for {
			batch, err := b.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if batch.Start != len(labels) || batch.X.Size(1) != 2 {
				t.Errorf("batch %d: start %d, shape %v; want start %d, 2 columns", len(sizes), batch.Start, batch.X.Shape(), len(labels))
			}
			sizes = append(sizes, batch.X.Size(0))
			x = append(x, batch.X.Data()...)
			labels = append(labels, batch.Labels...)
		}
		if _, err := b.Next(); err != io.EOF {
			t.Errorf("Next after the end: %v, want io.EOF", err)
		}
		if !slices.Equal(sizes, tc.sizes) || !slices.Equal(x, whole.X.Data()) || !slices.Equal(labels, whole.Labels) {
			t.Errorf("batch %d: sizes %v values %v labels %v, want %v %v %v", tc.batch, sizes, x, labels, tc.sizes, whole.X.Data(), whole.Labels)
		}
	}
}

func TestCSVBatchesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in        string
		batch, features int
		want            string
	}{
		{"batch size", "1,2\n", 0, 2, "data: reading in.csv in batches: batch size 0, want a positive number"},
		{"negative features", "1,2\n", 1, -1, "data: reading in.csv in batches: -1 features, want 0 or more"},
		{"empty", "", 4, 2, "data: in.csv holds no data rows"},
		{"header only", "a,b\n", 4, 2, "data: in.csv holds no data rows"},
		{"feature count", "a,b,label\n1,2,3\n", 4, 3, "data: in.csv line 2 has 2 feature columns, want 3"},
		{"bad cell in a later batch", "a,b\n1,2\n3,4\n5,6\nNaN,8\n", 2, 2, `data: in.csv line 5, column 1 (a): "NaN" is not a finite number`},
		{"ragged", "1,2\n3,4\n5\n", 2, 0, "data: in.csv line 3 has 1 fields, want 2 like the first data row"},
		{"bad label", "label,a\n1,2\n-3,4\n", 8, 1, `data: in.csv line 3, column 1 (label): label "-3" is not a whole number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewCSVBatches(strings.NewReader(tc.in), CSVBatchOptions{Name: "in.csv", BatchSize: tc.batch, Features: tc.features})
			for err == nil {
				_, err = b.Next()
			}
			if err == io.EOF || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
