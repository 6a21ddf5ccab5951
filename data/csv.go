package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
)

// ReadCSV reads comma-separated numbers, one sample per row, into an
// [rows, columns] tensor. A first row with any field that is not a number
// is taken as a header and skipped; every other row must hold the same
// number of fields as the first data row, each a finite number that fits a
// float32. Blank lines and lines starting with '#' are skipped; spaces
// around fields are ignored. Errors name the line and column at fault.
func ReadCSV(r io.Reader) (*tensor.Tensor, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	var values []float32
	width := 0
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("data: CSV line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("data: reading CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if isHeader(rec) {
				continue
			}
		}
		if width == 0 {
			width = len(rec)
		} else if len(rec) != width {
			return nil, fmt.Errorf("data: CSV line %d has %d fields, want %d like the first data row", line, len(rec), width)
		}
		for i, field := range rec {
			v, err := parseCSVNumber(field)
			if err != nil {
				return nil, fmt.Errorf("data: CSV line %d, column %d: %w", line, i+1, err)
			}
			values = append(values, v)
		}
	}
	if width == 0 {
		return nil, errors.New("data: CSV holds no data rows")
	}
	return tensor.New(values, len(values)/width, width), nil
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
