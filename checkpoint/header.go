package checkpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"unicode/utf8"
)

// maxHeaderLen bounds the JSON header, as the reference implementation
// does, so that a corrupt length cannot make a reader buffer a huge header.
const maxHeaderLen = 100_000_000

// metadataKey is the header entry that holds the string-to-string metadata
// rather than a tensor.
const metadataKey = "__metadata__"

// entry is one tensor's description in the header, once checked.
type entry struct {
	name       string
	dtype      string
	shape      []int
	begin, end int64 // byte range in the data buffer
}

// parseHeader decodes and checks the JSON header of a file whose data
// buffer holds bufLen bytes. The entries it returns are sorted by offset and
// tile the buffer exactly.
func parseHeader(header []byte, bufLen int64) ([]entry, map[string]string, error) {
	if !utf8.Valid(header) {
		return nil, nil, errors.New("header is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(header))
	var entries []entry
	metadata := map[string]string{}
	err := decodeObject(dec, "header", func(name string) error {
		if name == metadataKey {
			return decodeObject(dec, "metadata", func(key string) error {
				var v any
				if err := dec.Decode(&v); err != nil {
					return fmt.Errorf("metadata %q: %w", key, err)
				}
				s, ok := v.(string)
				if !ok {
					return fmt.Errorf("metadata %q: value is not a string", key)
				}
				metadata[key] = s
				return nil
			})
		}
		e, err := decodeEntry(dec, name, bufLen)
		if err != nil {
			return fmt.Errorf("tensor %q: %w", name, err)
		}
		entries = append(entries, e)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("header has data after its JSON object")
	}
	if err := checkTiling(entries, bufLen); err != nil {
		return nil, nil, err
	}
	return entries, metadata, nil
}

// decodeObject reads a JSON object from dec, calling field for each key
// with dec positioned at the key's value; field must consume the value.
// Duplicate keys are an error.
func decodeObject(dec *json.Decoder, what string, field func(key string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(what, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("%s is not a JSON object", what)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonError(what, err)
		}
		key := tok.(string) // the decoder only yields string keys inside an object
		if seen[key] {
			return fmt.Errorf("%s has key %q twice", what, key)
		}
		seen[key] = true
		if err := field(key); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return jsonError(what, err)
	}
	return nil
}

// jsonError describes a syntax error in the JSON value what, calling the
// end of input where more was due what it is.
func jsonError(what string, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%s: %w", what, err)
}

// decodeEntry reads one tensor's description and checks it on its own:
// known dtype, non-negative dimensions, and a byte range inside the buffer
// whose length matches the shape.
func decodeEntry(dec *json.Decoder, name string, bufLen int64) (entry, error) {
	e := entry{name: name}
	var shape, offsets []int64
	err := decodeObject(dec, "description", func(key string) error {
		var dst any
		switch key {
		case "dtype":
			dst = &e.dtype
		case "shape":
			dst = &shape
		case "data_offsets":
			dst = &offsets
		default:
			return fmt.Errorf("unknown field %q", key)
		}
		if err := dec.Decode(dst); err != nil {
			return fmt.Errorf("field %q: %w", key, err)
		}
		return nil
	})
	if err != nil {
		return e, err
	}
	dt, ok := dtypes[e.dtype]
	switch {
	case e.dtype == "":
		return e, errors.New("no dtype")
	case !ok:
		return e, fmt.Errorf("dtype %q is not one gibbs reads", e.dtype)
	case shape == nil:
		return e, errors.New("no shape")
	case len(offsets) != 2:
		return e, fmt.Errorf("data_offsets %v is not a [begin, end] pair", offsets)
	}
	e.begin, e.end = offsets[0], offsets[1]
	if e.begin < 0 || e.end < e.begin || e.end > bufLen {
		return e, fmt.Errorf("data_offsets %v outside the %d-byte data buffer", offsets, bufLen)
	}
	n, err := numel(shape, bufLen/int64(dt.size))
	if err != nil {
		return e, err
	}
	if n*int64(dt.size) != e.end-e.begin {
		return e, fmt.Errorf("shape %v of %s needs %d bytes, data_offsets %v hold %d",
			shape, e.dtype, n*int64(dt.size), offsets, e.end-e.begin)
	}
	e.shape = make([]int, len(shape))
	for i, d := range shape {
		e.shape[i] = int(d) // in range: numel checked it
	}
	return e, nil
}

// numel returns how many values shape holds, which must be at most limit.
func numel(shape []int64, limit int64) (int64, error) {
	empty := false
	for _, d := range shape {
		if d < 0 || d > math.MaxInt {
			return 0, fmt.Errorf("shape %v has a dimension out of range", shape)
		}
		empty = empty || d == 0
	}
	if empty {
		return 0, nil
	}
	n := int64(1)
	for _, d := range shape {
		if n > limit/d {
			return 0, fmt.Errorf("shape %v holds more values than the data buffer can", shape)
		}
		n *= d
	}
	return n, nil
}

// checkTiling sorts entries by offset and checks that their byte ranges
// cover [0, bufLen) with no hole and no overlap.
func checkTiling(entries []entry, bufLen int64) error {
	sort.Slice(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.begin != b.begin {
			return a.begin < b.begin
		}
		return a.end < b.end
	})
	var next int64
	for i, e := range entries {
		if e.begin != next {
			prev := "the start of the data buffer"
			if i > 0 {
				prev = fmt.Sprintf("tensor %q", entries[i-1].name)
			}
			kind := "leave a hole"
			if e.begin < next {
				kind = "overlap"
			}
			return fmt.Errorf("data_offsets %s between %s (ends at %d) and tensor %q (begins at %d)",
				kind, prev, next, e.name, e.begin)
		}
		next = e.end
	}
	if next != bufLen {
		return fmt.Errorf("tensors cover %d bytes of the %d-byte data buffer", next, bufLen)
	}
	return nil
}
