package dashboard

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// maxRead bounds what one read of a tail takes from its file, so that a
// long metrics file reaches a page in several events, not one huge one.
const maxRead = 4 << 20

// tail follows a file that grows by whole lines, such as metrics.jsonl:
// each read returns the lines completed since the one before. A last line
// without its newline yet (torn, or still being written) is held back
// until its newline arrives.
type tail struct {
	path    string
	info    fs.FileInfo // of the file last read; nil before the first read
	off     int64       // bytes of the file read so far
	partial []byte      // bytes read after the last newline
}

// read returns the lines (without their newlines) completed since the last
// read. reset is true when the file was replaced, shortened or removed
// since then (a resumed run trims its metrics): the lines returned then
// start again from the file's beginning, and what was read before no
// longer holds. A missing file has no lines.
func (t *tail) read() (lines [][]byte, reset bool, err error) {
	f, err := os.Open(t.path)
	if errors.Is(err, fs.ErrNotExist) {
		reset = t.info != nil
		*t = tail{path: t.path}
		return nil, reset, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("dashboard: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("dashboard: %w", err)
	}
	if t.info != nil && (!os.SameFile(t.info, info) || info.Size() < t.off) {
		reset = true
		t.off, t.partial = 0, nil
	}
	t.info = info
	n := min(info.Size()-t.off, maxRead)
	if n <= 0 {
		return nil, reset, nil
	}
	b := make([]byte, n)
	got, err := f.ReadAt(b, t.off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, reset, fmt.Errorf("dashboard: reading %s: %w", t.path, err)
	}
	t.off += int64(got)
	b = append(t.partial, b[:got]...)
	end := bytes.LastIndexByte(b, '\n')
	if end < 0 {
		t.partial = b
		return nil, reset, nil
	}
	t.partial = bytes.Clone(b[end+1:])
	return bytes.Split(b[:end], []byte{'\n'}), reset, nil
}
