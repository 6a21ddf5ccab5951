package checkpoint

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/gibbsml/gibbs/tensor"
)

// chunkSize is how many data bytes Read decodes at a time; a multiple of
// every element size.
const chunkSize = 64 << 10

// Load reads the safetensors file at path. It returns every tensor as
// float32 (see the package documentation for the conversions) and the
// file's metadata, which is empty but not nil when the file has none.
func Load(path string) (tensors map[string]*tensor.Tensor, metadata map[string]string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	tensors, metadata, err = read(f, info.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: reading %s: %w", path, err)
	}
	return tensors, metadata, nil
}

// Read decodes a safetensors file of size bytes from r, as Load does. Size
// must be the true size of the input: the header's claims are checked
// against it before anything is allocated.
func Read(r io.ReaderAt, size int64) (tensors map[string]*tensor.Tensor, metadata map[string]string, err error) {
	tensors, metadata, err = read(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	return tensors, metadata, nil
}

func read(r io.ReaderAt, size int64) (map[string]*tensor.Tensor, map[string]string, error) {
	var lenBuf [8]byte
	if size < int64(len(lenBuf)) {
		return nil, nil, fmt.Errorf("%d bytes is too short for a safetensors file", size)
	}
	if err := readFull(r, lenBuf[:], 0); err != nil {
		return nil, nil, fmt.Errorf("reading header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n > maxHeaderLen {
		return nil, nil, fmt.Errorf("header length %d exceeds the limit of %d", n, maxHeaderLen)
	}
	if n > uint64(size-8) {
		return nil, nil, fmt.Errorf("header length %d exceeds the %d bytes that follow it", n, size-8)
	}
	header := make([]byte, n)
	if err := readFull(r, header, 8); err != nil {
		return nil, nil, fmt.Errorf("reading header: %w", err)
	}
	start := 8 + int64(n)
	entries, metadata, err := parseHeader(header, size-start)
	if err != nil {
		return nil, nil, err
	}
	tensors := make(map[string]*tensor.Tensor, len(entries))
	chunk := make([]byte, min(chunkSize, size-start))
	for _, e := range entries {
		dt := dtypes[e.dtype]
		data := make([]float32, (e.end-e.begin)/int64(dt.size))
		for off := e.begin; off < e.end; off += int64(len(chunk)) {
			b := chunk[:min(int64(len(chunk)), e.end-off)]
			if err := readFull(r, b, start+off); err != nil {
				return nil, nil, fmt.Errorf("reading tensor %q: %w", e.name, err)
			}
			i := (off - e.begin) / int64(dt.size)
			if err := dt.decode(data[i:i+int64(len(b)/dt.size)], b); err != nil {
				return nil, nil, fmt.Errorf("tensor %q of dtype %s: %w", e.name, e.dtype, err)
			}
		}
		tensors[e.name] = newTensor(data, e.shape)
	}
	return tensors, metadata, nil
}

// readFull fills b from r at off. Unlike a bare ReadAt, it treats io.EOF
// that comes with a full read as success and a short read as an error.
func readFull(r io.ReaderAt, b []byte, off int64) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// newTensor wraps data in a tensor of the given shape; unlike tensor.New,
// it keeps an empty shape as a 0-D tensor.
func newTensor(data []float32, shape []int) *tensor.Tensor {
	if len(shape) == 0 {
		return tensor.Scalar(data[0])
	}
	return tensor.New(data, shape...)
}
