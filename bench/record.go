package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Field is one key and value of a Record.
type Field struct {
	Key   string
	Value any
}

// Record is a JSON object whose keys keep their order, so that gibbs's
// lines read like the reference script's.
type Record []Field

// MarshalJSON writes the fields in order.
func (r Record) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, fmt.Errorf("bench: field %q: %w", f.Key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Get returns the value of key and whether it is present.
func (r Record) Get(key string) (any, bool) {
	for _, f := range r {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}
