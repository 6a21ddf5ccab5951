package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/gibbsml/gibbs/tensor"
)

// IDX is the file format of the MNIST and Fashion-MNIST datasets (LeCun,
// Cortes & Burges, "THE MNIST DATABASE of handwritten digits"; Xiao, Rasul
// & Vollgraf 2017, Fashion-MNIST): a 4-byte magic number whose third byte
// is the element type (0x08: unsigned byte) and fourth the number of
// dimensions, then each dimension as a big-endian uint32, then the
// elements in row-major order. Image files are 0x00000803 (count, rows,
// columns), label files 0x00000801 (count). Files may be gzip-compressed;
// the reader recognises them by their first two bytes, 1f 8b.

const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801
	// maxIDXBytes bounds the payload a header may claim (MNIST's training
	// images are 47 MB), so that a corrupt header cannot ask for more.
	maxIDXBytes = 1 << 32
)

// ReadIDXImages reads an IDX image file (plain or gzipped) and returns its
// images as an [n, rows*cols] tensor with the bytes scaled from 0..255 to
// [0, 1], along with rows and cols.
func ReadIDXImages(path string) (images *tensor.Tensor, rows, cols int, err error) {
	dims, payload, err := readIDX(path, idxImagesMagic, 3)
	if err != nil {
		return nil, 0, 0, err
	}
	out := make([]float32, len(payload))
	for i, b := range payload {
		out[i] = float32(b) / 255
	}
	return tensor.New(out, dims[0], dims[1]*dims[2]), dims[1], dims[2], nil
}

// ReadIDXLabels reads an IDX label file (plain or gzipped) and returns one
// label per item.
func ReadIDXLabels(path string) ([]int, error) {
	_, payload, err := readIDX(path, idxLabelsMagic, 1)
	if err != nil {
		return nil, err
	}
	labels := make([]int, len(payload))
	for i, b := range payload {
		labels[i] = int(b)
	}
	return labels, nil
}

// readIDX opens path, checks its header against magic and the expected
// number of dimensions, and returns the dimensions and the element bytes.
// The payload is read through a limit one byte past its claimed size, so
// memory grows with the bytes actually present, never with what a header
// claims, and both short and over-long files are caught.
func readIDX(path string, magic uint32, ndim int) (dims []int, payload []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("data: reading IDX file: %w", err)
	}
	defer f.Close()
	wrap := func(format string, args ...any) error {
		return fmt.Errorf("data: reading IDX file %s: "+format, append([]any{path}, args...)...)
	}

	br := bufio.NewReader(f)
	var r io.Reader = br
	if sig, _ := br.Peek(2); len(sig) == 2 && sig[0] == 0x1f && sig[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, wrap("opening gzip stream: %v", err)
		}
		defer gz.Close()
		r = gz
	}

	header := make([]byte, 4+4*ndim)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, nil, wrap("header: %v", eofAsTruncated(err))
	}
	if got := binary.BigEndian.Uint32(header); got != magic {
		return nil, nil, wrap("magic number 0x%08x, want 0x%08x", got, magic)
	}
	size := uint64(1)
	dims = make([]int, ndim)
	for i := range dims {
		d := binary.BigEndian.Uint32(header[4+4*i:])
		if d == 0 {
			return nil, nil, wrap("dimension %d is 0", i)
		}
		size *= uint64(d)
		if size > maxIDXBytes {
			return nil, nil, wrap("header claims more than %d bytes of data", uint64(maxIDXBytes))
		}
		dims[i] = int(d)
	}

	payload, err = io.ReadAll(io.LimitReader(r, int64(size)+1))
	if err != nil {
		return nil, nil, wrap("reading elements: %v", eofAsTruncated(err))
	}
	switch {
	case uint64(len(payload)) < size:
		return nil, nil, wrap("header %v claims %d data bytes, file holds %d", dims, size, len(payload))
	case uint64(len(payload)) > size:
		return nil, nil, wrap("trailing bytes after the %d data bytes of header %v", size, dims)
	}
	return dims, payload, nil
}

func eofAsTruncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("file is truncated")
	}
	return err
}
