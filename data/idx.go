package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
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
// the reader recognises them by their first two bytes, 1f 8b, whatever
// their name.

const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801
	// maxIDXValues bounds the elements a header may claim (MNIST's
	// training images hold 47 million), so that a corrupt header cannot
	// ask for an absurd allocation.
	maxIDXValues = 1 << 31
	// maxDeflateRatio bounds how many bytes one compressed byte can
	// expand to in a deflate stream (RFC 1951: a 258-byte match costs at
	// least two bits, so a little over 1032:1), which bounds the payload
	// a gzipped file can hold before it is decompressed.
	maxDeflateRatio = 1032
)

// ReadIDXImages reads an IDX image file (plain or gzipped) and returns its
// images as an [n, rows*cols] tensor with the bytes scaled from 0..255 to
// [0, 1], along with rows and cols. The file is decoded straight into the
// tensor, so reading it holds no other copy of the images.
func ReadIDXImages(path string) (images *tensor.Tensor, rows, cols int, err error) {
	s, err := openIDX(path, idxImagesMagic, 3)
	if err != nil {
		return nil, 0, 0, err
	}
	defer s.Close()
	if images, err = s.readImages(); err != nil {
		return nil, 0, 0, err
	}
	return images, s.dims[1], s.dims[2], nil
}

// readIDXSet reads an IDX image file and, when labelPath is not empty, its
// IDX label file into a Set named name. The labels are read first, so that
// a label file that does not match the images is caught before the images
// are decoded.
func readIDXSet(name, imagePath, labelPath string) (*Set, error) {
	var labels []int
	if labelPath != "" {
		var err error
		if labels, err = ReadIDXLabels(labelPath); err != nil {
			return nil, err
		}
	}
	s, err := openIDX(imagePath, idxImagesMagic, 3)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if labels != nil && len(labels) != s.dims[0] {
		return nil, fmt.Errorf("data: IDX image file %s holds %d images but label file %s holds %d labels", imagePath, s.dims[0], labelPath, len(labels))
	}
	x, err := s.readImages()
	if err != nil {
		return nil, err
	}
	return &Set{Name: name, X: x, Shape: []int{1, s.dims[1], s.dims[2]}, Labels: labels, Classes: classCount(labels)}, nil
}

// readImages decodes an image file's elements into an [n, rows*cols]
// tensor of values in [0, 1].
func (s *idxFile) readImages() (*tensor.Tensor, error) {
	pixels := make([]float32, s.size)
	err := s.readElements(func(off int, chunk []byte) {
		out := pixels[off : off+len(chunk)]
		for i, b := range chunk {
			out[i] = float32(b) / 255
		}
	})
	if err != nil {
		return nil, err
	}
	return tensor.New(pixels, s.dims[0], s.dims[1]*s.dims[2]), nil
}

// ReadIDXLabels reads an IDX label file (plain or gzipped) and returns one
// label per item.
func ReadIDXLabels(path string) ([]int, error) {
	s, err := openIDX(path, idxLabelsMagic, 1)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	labels := make([]int, s.size)
	err = s.readElements(func(off int, chunk []byte) {
		for i, b := range chunk {
			labels[off+i] = int(b)
		}
	})
	if err != nil {
		return nil, err
	}
	return labels, nil
}

// idxFile is an IDX file whose header has been read and checked, open at
// its first element.
type idxFile struct {
	path     string
	file     *os.File
	gz       *gzip.Reader // nil for a plain file
	elements io.Reader    // the element bytes, decompressed
	dims     []int
	size     int // number of elements, the product of dims
}

// openIDX opens path and checks its header against magic and the number
// of dimensions. The claimed number of elements is checked against what
// the file can hold before anything is allocated for them: exactly for a
// plain file, through the largest deflate ratio for a gzipped one.
func openIDX(path string, magic uint32, ndim int) (*idxFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: reading IDX file: %w", err)
	}
	s := &idxFile{path: path, file: f}
	if err := s.readHeader(magic, ndim); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// readHeader reads and checks the header of an IDX file just opened.
func (s *idxFile) readHeader(magic uint32, ndim int) error {
	info, err := s.file.Stat()
	if err != nil {
		return s.errorf("%v", err)
	}

	br := bufio.NewReaderSize(s.file, 64<<10)
	s.elements = br
	if sig, _ := br.Peek(2); len(sig) == 2 && sig[0] == 0x1f && sig[1] == 0x8b {
		if s.gz, err = gzip.NewReader(br); err != nil {
			return s.errorf("opening gzip stream: %v", err)
		}
		s.elements = s.gz
	}

	// The magic number is checked before the dimensions are read, so that
	// a file of another kind is named as such even when it is short.
	header := make([]byte, 4+4*ndim)
	if _, err := io.ReadFull(s.elements, header[:4]); err != nil {
		return s.errorf("header: %v", eofAsTruncated(err))
	}
	if got := binary.BigEndian.Uint32(header); got != magic {
		return s.errorf("magic number 0x%08x, want 0x%08x", got, magic)
	}
	if _, err := io.ReadFull(s.elements, header[4:]); err != nil {
		return s.errorf("header: %v", eofAsTruncated(err))
	}
	size := uint64(1)
	s.dims = make([]int, ndim)
	for i := range s.dims {
		d := binary.BigEndian.Uint32(header[4+4*i:])
		if d == 0 {
			return s.errorf("dimension %d is 0", i)
		}
		size *= uint64(d)
		if size > maxIDXValues {
			return s.errorf("header claims more than %d values", uint64(maxIDXValues))
		}
		s.dims[i] = int(d)
	}
	s.size = int(size)

	if s.gz == nil {
		held := info.Size() - int64(len(header))
		switch {
		case held < int64(size):
			return s.errorf("header %v claims %d data bytes, file holds %d", s.dims, size, held)
		case held > int64(size):
			return s.errorf("trailing bytes after the %d data bytes of header %v", size, s.dims)
		}
	} else if limit := uint64(info.Size()) * maxDeflateRatio; size > limit {
		return s.errorf("header %v claims %d data bytes, more than a gzip file of %d bytes can hold", s.dims, size, info.Size())
	}
	return nil
}

// readElements reads the elements in chunks and hands each to fill along
// with the index of its first element. A file that ends early or goes on
// past its elements is an error.
func (s *idxFile) readElements(fill func(off int, chunk []byte)) error {
	buf := make([]byte, 32<<10)
	for off := 0; off < s.size; {
		n, err := io.ReadFull(s.elements, buf[:min(len(buf), s.size-off)])
		fill(off, buf[:n])
		off += n
		if err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return s.errorf("header %v claims %d data bytes, file holds %d", s.dims, s.size, off)
			}
			return s.errorf("reading elements: %v", err)
		}
	}
	switch n, err := s.elements.Read(buf[:1]); {
	case n > 0:
		return s.errorf("trailing bytes after the %d data bytes of header %v", s.size, s.dims)
	case err != nil && err != io.EOF:
		return s.errorf("after the elements: %v", eofAsTruncated(err))
	}
	return nil
}

// Close closes the file.
func (s *idxFile) Close() error {
	if s.gz != nil {
		s.gz.Close()
	}
	return s.file.Close()
}

// errorf returns an error that names the file.
func (s *idxFile) errorf(format string, args ...any) error {
	return fmt.Errorf("data: reading IDX file %s: "+format, append([]any{s.path}, args...)...)
}

func eofAsTruncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("file is truncated")
	}
	return err
}
