package data

import (
	"fmt"
	"io"

	"github.com/gibbsml/gibbs/tensor"
)

// CSVBatchOptions configures a CSVBatches reader.
type CSVBatchOptions struct {
	// Name is how errors name the input, typically its path.
	Name string
	// BatchSize is the number of rows per batch; it must be positive.
	BatchSize int
	// Features is the number of feature columns every row must hold (the
	// label column, if any, not counted); 0 accepts the count of the
	// header or the first data row.
	Features int
}

// CSVBatch is a run of consecutive rows of a CSV file.
type CSVBatch struct {
	X      *tensor.Tensor // [rows, features]
	Labels []int          // the rows' labels; nil when the file has no label column
	Start  int            // the index of the first row among the file's data rows, from 0
}

// CSVBatches reads a CSV file of numbers (see ReadCSV for the rules) in
// batches of rows, so that a file too large to hold in memory can be
// scored a batch at a time. Rows are checked as ReadCSV checks them, and
// errors name the same line and column.
type CSVBatches struct {
	rows *csvRows
	opt  CSVBatchOptions
	next int // the index of the next data row
}

// NewCSVBatches returns a reader of the CSV data in r.
func NewCSVBatches(r io.Reader, opt CSVBatchOptions) (*CSVBatches, error) {
	switch {
	case opt.BatchSize <= 0:
		return nil, fmt.Errorf("data: reading %s in batches: batch size %d, want a positive number", opt.Name, opt.BatchSize)
	case opt.Features < 0:
		return nil, fmt.Errorf("data: reading %s in batches: %d features, want 0 or more", opt.Name, opt.Features)
	}
	return &CSVBatches{rows: newCSVRows(r, opt.Name), opt: opt}, nil
}

// Next returns the next batch: BatchSize rows, or fewer at the end of the
// file. After the last row it returns io.EOF; a file without data rows is
// an error.
func (b *CSVBatches) Next() (CSVBatch, error) {
	var (
		x      []float32
		labels []int
		n      int
	)
	for n < b.opt.BatchSize {
		var label int
		var err error
		x, label, err = b.rows.next(x)
		if err == io.EOF {
			break
		}
		if err != nil {
			return CSVBatch{}, err
		}
		if b.opt.Features > 0 && b.rows.features() != b.opt.Features {
			return CSVBatch{}, fmt.Errorf("data: %s line %d has %d feature columns, want %d", b.opt.Name, b.rows.line, b.rows.features(), b.opt.Features)
		}
		if b.rows.label >= 0 {
			labels = append(labels, label)
		}
		n++
	}
	if n == 0 {
		if b.next == 0 {
			return CSVBatch{}, fmt.Errorf("data: %s holds no data rows", b.opt.Name)
		}
		return CSVBatch{}, io.EOF
	}
	batch := CSVBatch{X: tensor.New(x, n, b.rows.features()), Labels: labels, Start: b.next}
	b.next += n
	return batch, nil
}
