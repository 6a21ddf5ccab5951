package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/gibbsml/gibbs/internal/atomicfile"
	"github.com/gibbsml/gibbs/tensor"
)

// headerEntry is one tensor's description as the header stores it.
type headerEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Save writes tensors and metadata to path as a safetensors file (see
// Write). The file is replaced atomically: on any error the previous file,
// if there was one, is left as it was.
func Save(path string, tensors map[string]*tensor.Tensor, metadata map[string]string) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return write(w, tensors, metadata) }); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// Write writes tensors and metadata to w as a safetensors file: every
// tensor as F32, in the order of the sorted names. Names and metadata must
// be valid UTF-8, and no tensor may be named "__metadata__". A nil or empty
// metadata map writes no metadata entry.
func Write(w io.Writer, tensors map[string]*tensor.Tensor, metadata map[string]string) error {
	if err := write(w, tensors, metadata); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

func write(w io.Writer, tensors map[string]*tensor.Tensor, metadata map[string]string) error {
	header, names, err := encodeHeader(tensors, metadata)
	if err != nil {
		return err
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(header)))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	buf := make([]byte, 0, chunkSize)
	for _, name := range names {
		for _, v := range tensors[name].Data() {
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
	}
	_, err = w.Write(buf)
	return err
}

// encodeHeader returns the JSON header, padded with spaces to a multiple of
// 8 bytes, and the tensor names in the order their data follows.
func encodeHeader(tensors map[string]*tensor.Tensor, metadata map[string]string) ([]byte, []string, error) {
	for k, v := range metadata {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, nil, fmt.Errorf("metadata %q: not valid UTF-8", k)
		}
	}
	names := make([]string, 0, len(tensors))
	for name := range tensors {
		names = append(names, name)
	}
	slices.Sort(names)
	header := make(map[string]any, len(tensors)+1)
	if len(metadata) > 0 {
		header[metadataKey] = metadata
	}
	var off int64
	for _, name := range names {
		t := tensors[name]
		switch {
		case name == metadataKey:
			return nil, nil, fmt.Errorf("tensor name %q is reserved for metadata", name)
		case !utf8.ValidString(name):
			return nil, nil, fmt.Errorf("tensor name %q is not valid UTF-8", name)
		case t == nil:
			return nil, nil, fmt.Errorf("tensor %q is nil", name)
		}
		size := 4 * int64(t.Len())
		header[name] = headerEntry{Dtype: "F32", Shape: t.Shape(), DataOffsets: [2]int64{off, off + size}}
		off += size
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(header); err != nil {
		return nil, nil, fmt.Errorf("encoding header: %w", err)
	}
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	for len(out)%8 != 0 {
		out = append(out, ' ')
	}
	return out, names, nil
}
