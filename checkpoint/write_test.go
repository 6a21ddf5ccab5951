package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// TestWriteGolden compares Write's output with bytes worked out by hand:
// the 79-byte header padded with one space to 80 (0x50), then F32 1 and -2.
func TestWriteGolden(t *testing.T) {
	want := []byte("\x50\x00\x00\x00\x00\x00\x00\x00" +
		`{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} ` +
		"\x00\x00\x80\x3f\x00\x00\x00\xc0")
	var b bytes.Buffer
	if err := Write(&b, map[string]*tensor.Tensor{"a": tensor.New([]float32{1, -2})}, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("got\n%q\nwant\n%q", b.Bytes(), want)
	}
}

// sampleTensors returns tensors of many shapes, special values included,
// and one larger than the chunk Read and Write work in.
func sampleTensors() map[string]*tensor.Tensor {
	g := tensor.NewRNG(1)
	return map[string]*tensor.Tensor{
		"scalar":       tensor.Scalar(-0.5),
		"empty":        tensor.Zeros(0, 3),
		"layer.0.w":    tensor.Randn(g, 2, 3, 4),
		"layer.0.b":    tensor.Rand(g, 4),
		"big":          tensor.Randn(g, 3, chunkSize/4+7),
		"special":      tensor.New([]float32{float32(math.Inf(1)), float32(math.Copysign(0, -1)), math.Float32frombits(0x7fc00123), 0x1p-149}),
		"näme <&> \"q": tensor.Ones(1, 1),
	}
}

func TestRoundTrip(t *testing.T) {
	metadata := map[string]string{"step": "12", "rng": "AAEC/w==", "config": `{"lr":0.1}`, "ünï <&>": "\"\n\t"}
	tests := []struct {
		name     string
		tensors  map[string]*tensor.Tensor
		metadata map[string]string
	}{
		{"tensors and metadata", sampleTensors(), metadata},
		{"no metadata", sampleTensors(), nil},
		{"no tensors", nil, metadata},
		{"nothing", nil, nil},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "c.safetensors")
		if err := Save(path, tt.tensors, tt.metadata); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got, gotMeta, err := Load(path)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(got) != len(tt.tensors) {
			t.Errorf("%s: got %d tensors, want %d", tt.name, len(got), len(tt.tensors))
		}
		for name, w := range tt.tensors {
			if g := got[name]; g == nil || !equalBits(g, w) {
				t.Errorf("%s: tensor %q does not round-trip", tt.name, name)
			}
		}
		if gotMeta == nil || len(gotMeta) != len(tt.metadata) {
			t.Errorf("%s: metadata %v, want %v", tt.name, gotMeta, tt.metadata)
		}
		for k, v := range tt.metadata {
			if gotMeta[k] != v {
				t.Errorf("%s: metadata %q = %q, want %q", tt.name, k, gotMeta[k], v)
			}
		}
	}
}

// TestWriteLayout checks what the spec leaves to the writer and gibbs
// promises: a header padded to 8 bytes and data in the order of the names.
func TestWriteLayout(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, sampleTensors(), map[string]string{"x": "y"}); err != nil {
		t.Fatal(err)
	}
	in := b.Bytes()
	n := int64(binary.LittleEndian.Uint64(in))
	if n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	entries, _, err := parseHeader(in[8:8+n], int64(len(in))-8-n)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]entry{}
	for _, e := range entries {
		byName[e.name] = e
		if e.dtype != "F32" {
			t.Errorf("tensor %q written as %s, want F32", e.name, e.dtype)
		}
	}
	names := slices.Sorted(maps.Keys(byName))
	var off int64
	for _, name := range names {
		if e := byName[name]; e.begin != off {
			t.Errorf("tensor %q begins at %d, want %d (data in name order)", name, e.begin, off)
		}
		off = byName[name].end
	}
}

func TestWriteInvalid(t *testing.T) {
	one := tensor.Ones(1)
	tests := []struct {
		name     string
		tensors  map[string]*tensor.Tensor
		metadata map[string]string
		want     string
	}{
		{"reserved name", map[string]*tensor.Tensor{"__metadata__": one}, nil, "reserved"},
		{"nil tensor", map[string]*tensor.Tensor{"a": one, "b": nil}, nil, `tensor "b" is nil`},
		{"bad UTF-8 name", map[string]*tensor.Tensor{"\xff": one}, nil, "UTF-8"},
		{"bad UTF-8 metadata", nil, map[string]string{"k": "\xff"}, `metadata "k"`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		err := Write(&b, tt.tensors, tt.metadata)
		if err == nil || !strings.HasPrefix(err.Error(), "checkpoint: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", tt.name, b.Len())
		}
	}
}

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteFailingWriter(t *testing.T) {
	tensors := sampleTensors()
	var full bytes.Buffer
	if err := Write(&full, tensors, nil); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 7, 8, 100, chunkSize + 100, full.Len() - 1} {
		if err := Write(&failingWriter{n}, tensors, nil); !errors.Is(err, errDiskFull) {
			t.Errorf("failing after %d of %d bytes: got error %v, want %v", n, full.Len(), err, errDiskFull)
		}
	}
}

// TestSaveAtomic checks that a failed Save leaves the previous file as it
// was and no temporary file behind.
func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "checkpoint.safetensors")
	if err := Save(path, sampleTensors(), map[string]string{"step": "1"}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	err = Save(path, map[string]*tensor.Tensor{"a": tensor.Ones(3), "z": nil}, map[string]string{"step": "2"})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("Save with a nil tensor: error %v, want one naming %s", err, path)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("failed Save changed the previous file")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only the checkpoint", names)
	}
	if err := Save(filepath.Join(dir, "missing", "c.safetensors"), nil, nil); err == nil {
		t.Error("Save into a missing folder: no error")
	}
}
