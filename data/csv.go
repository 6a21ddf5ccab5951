package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
)

// The CSV files gibbs reads hold comma-separated numbers, one sample a
// row. A first row with any field that is not a number is a header and is
// skipped; every other row must hold as many fields as the header or, when
// there is none, as the first data row, each a finite number that fits a
// float32. Blank lines and lines starting with '#' are skipped; spaces
// around fields are ignored. A header column named "label" (in any case)
// holds each row's class, a whole number from 0 to MaxLabel, and is not a
// feature. Errors name the input, the line and the column at fault.

// MaxLabel is the largest class label a CSV file may hold.
const MaxLabel = 1<<16 - 1

// ReadCSV reads a CSV file of numbers (see the rules above) into a Set of
// [rows, features] samples, with Shape [features] and the labels of its
// label column if it has one. name is how errors and the Set name the
// input, typically its path.
func ReadCSV(r io.Reader, name string) (*Set, error) {
	rows := newCSVRows(r, name)
	var (
		x      []float32
		labels []int
		n      int
	)
	for ; ; n++ {
		var label int
		var err error
		x, label, err = rows.next(x)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if rows.label >= 0 {
			labels = append(labels, label)
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("data: %s holds no data rows", name)
	}
	d := rows.features()
	return &Set{Name: name, X: tensor.New(x, n, d), Shape: []int{d}, Labels: labels, Classes: classCount(labels)}, nil
}

// csvRows reads the data rows of a CSV file of numbers one at a time.
type csvRows struct {
	name   string
	cr     *csv.Reader
	read   bool     // whether the first record has been read
	header []string // the header row, nil when there is none
	label  int      // index of the label column, -1 when there is none
	width  int      // fields per row; 0 until known
	line   int      // the line of the last data row read
}

func newCSVRows(r io.Reader, name string) *csvRows {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvRows{name: name, cr: cr, label: -1}
}

// features returns the number of feature columns, known once a header or
// a data row has been read.
func (c *csvRows) features() int {
	if c.label >= 0 {
		return c.width - 1
	}
	return c.width
}

// next reads the next data row, appends its features to x, and returns x
// and the row's label (-1 when there is no label column). After the last
// row it returns io.EOF.
func (c *csvRows) next(x []float32) ([]float32, int, error) {
	for {
		rec, err := c.cr.Read()
		if err == io.EOF {
			return x, -1, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return x, -1, fmt.Errorf("data: %s line %d, column %d: %v", c.name, pe.Line, pe.Column, pe.Err)
			}
			return x, -1, fmt.Errorf("data: reading %s: %w", c.name, err)
		}
		line, _ := c.cr.FieldPos(0)
		if !c.read {
			c.read = true
			if isHeader(rec) {
				if err := c.setHeader(rec, line); err != nil {
					return x, -1, err
				}
				continue
			}
		}
		c.line = line
		return c.parseRow(x, rec, line)
	}
}

// setHeader records the header row and finds its label column.
func (c *csvRows) setHeader(rec []string, line int) error {
	c.header = slices.Clone(rec)
	c.width = len(rec)
	for i, f := range rec {
		if !strings.EqualFold(strings.TrimSpace(f), "label") {
			continue
		}
		if c.label >= 0 {
			return fmt.Errorf("data: %s line %d: columns %d and %d are both named label", c.name, line, c.label+1, i+1)
		}
		c.label = i
	}
	if c.features() == 0 {
		return fmt.Errorf("data: %s line %d: no feature columns besides the label", c.name, line)
	}
	return nil
}

// parseRow appends the features of one data row to x and returns its label.
func (c *csvRows) parseRow(x []float32, rec []string, line int) ([]float32, int, error) {
	if c.width == 0 {
		c.width = len(rec)
	} else if len(rec) != c.width {
		like := "the first data row"
		if c.header != nil {
			like = "the header"
		}
		return x, -1, fmt.Errorf("data: %s line %d has %d fields, want %d like %s", c.name, line, len(rec), c.width, like)
	}
	label := -1
	for i, field := range rec {
		var err error
		if i == c.label {
			label, err = parseLabel(field)
		} else {
			var v float32
			v, err = parseCSVNumber(field)
			x = append(x, v)
		}
		if err != nil {
			return x, -1, fmt.Errorf("data: %s line %d, %s: %w", c.name, line, c.column(i), err)
		}
	}
	return x, label, nil
}

// column names column i for messages: its number and, when there is a
// header, its name.
func (c *csvRows) column(i int) string {
	if c.header == nil {
		return fmt.Sprintf("column %d", i+1)
	}
	return fmt.Sprintf("column %d (%s)", i+1, strings.TrimSpace(c.header[i]))
}

// isHeader reports whether a row has a field that is not a number.
func isHeader(rec []string) bool {
	for _, f := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil && !errors.Is(err, strconv.ErrRange) {
			return true
		}
	}
	return false
}

func parseCSVNumber(field string) (float32, error) {
	s := strings.TrimSpace(field)
	v, err := strconv.ParseFloat(s, 32)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, fmt.Errorf("%q is out of float32 range", s)
	case err != nil:
		return 0, fmt.Errorf("%q is not a number", s)
	case math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return float32(v), nil
}

// parseLabel reads a class label: a whole number from 0 to MaxLabel,
// written as an integer or as a float with no fractional part ("3.0").
func parseLabel(field string) (int, error) {
	s := strings.TrimSpace(field)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || v < 0 || v > MaxLabel {
		return 0, fmt.Errorf("label %q is not a whole number from 0 to %d", s, MaxLabel)
	}
	return int(v), nil
}
