package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxBytes builds an IDX file: magic, dimensions, payload.
func idxBytes(magic uint32, dims []uint32, payload []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	return b.Bytes()
}

func gzipped(t *testing.T, raw []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeTemp(t *testing.T, name string, b []byte) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadIDXImages(t *testing.T) {
	// Two 2×3 images.
	pixels := []byte{0, 51, 102, 153, 204, 255, 255, 0, 255, 0, 255, 0}
	raw := idxBytes(idxImagesMagic, []uint32{2, 2, 3}, pixels)
	for _, tc := range []struct {
		name string
		file []byte
	}{{"plain", raw}, {"gzip", gzipped(t, raw)}} {
		t.Run(tc.name, func(t *testing.T) {
			x, rows, cols, err := ReadIDXImages(writeTemp(t, "img.idx", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if rows != 2 || cols != 3 || !slices.Equal(x.Shape(), []int{2, 6}) {
				t.Fatalf("rows %d cols %d shape %v, want 2, 3, [2 6]", rows, cols, x.Shape())
			}
			for i, p := range pixels {
				if want := float32(p) / 255; x.Data()[i] != want {
					t.Errorf("value %d = %v, want %v", i, x.Data()[i], want)
				}
			}
		})
	}
}

func TestReadIDXLabels(t *testing.T) {
	raw := idxBytes(idxLabelsMagic, []uint32{4}, []byte{7, 0, 9, 3})
	for _, file := range [][]byte{raw, gzipped(t, raw)} {
		got, err := ReadIDXLabels(writeTemp(t, "lab.idx", file))
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{7, 0, 9, 3}; !slices.Equal(got, want) {
			t.Errorf("labels %v, want %v", got, want)
		}
	}
}

func TestReadIDXCorrupt(t *testing.T) {
	good := idxBytes(idxImagesMagic, []uint32{2, 2, 2}, make([]byte, 8))
	huge := idxBytes(idxImagesMagic, []uint32{0xffffffff, 0xffffffff, 28}, make([]byte, 8))
	bigButBounded := idxBytes(idxImagesMagic, []uint32{600000, 28, 28}, make([]byte, 8))
	gz := gzipped(t, good)
	noise := make([]byte, 4096)
	rand.NewChaCha8([32]byte{}).Read(noise)
	gzNoise := gzipped(t, idxBytes(idxImagesMagic, []uint32{16, 16, 16}, noise))
	for _, tc := range []struct {
		name, want string
		file       []byte
	}{
		{"empty", "truncated", nil},
		{"short header", "truncated", good[:9]},
		{"labels magic", "magic number 0x00000801", idxBytes(idxLabelsMagic, []uint32{2, 2, 2}, make([]byte, 8))},
		{"int magic", "magic number 0x00000c03", idxBytes(0x00000c03, []uint32{2, 2, 2}, make([]byte, 8))},
		{"zero dimension", "dimension 1 is 0", idxBytes(idxImagesMagic, []uint32{2, 0, 2}, nil)},
		{"short data", "claims 8 data bytes, file holds 7", good[:len(good)-1]},
		{"trailing bytes", "trailing bytes", append(slices.Clone(good), 1)},
		{"huge claim", "header claims more than 2147483648 values", huge},
		{"claim beyond file", "file holds 8", bigButBounded},
		{"gzip short data", "claims 8 data bytes", gzipped(t, good[:len(good)-2])},
		{"gzip claim beyond file", "claims 470400000 data bytes, more than a gzip file of", gzipped(t, bigButBounded)},
		{"gzip trailing bytes", "trailing bytes", gzipped(t, append(slices.Clone(good), 1))},
		{"gzip trailer cut", "after the elements: file is truncated", gz[:len(gz)-6]},
		{"gzip stream cut", "claims 4096 data bytes, file holds", gzNoise[:2000]},
		{"broken gzip", "gzip", append([]byte{0x1f, 0x8b}, good...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "bad.idx", tc.file)
			_, _, _, err := ReadIDXImages(p)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), p) {
				t.Errorf("error %q should mention %q and the path", err, tc.want)
			}
		})
	}
	if _, err := ReadIDXLabels(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing file: no error")
	}
	if _, err := ReadIDXLabels(writeTemp(t, "img", good)); err == nil || !strings.Contains(err.Error(), "0x00000801") {
		t.Errorf("image file read as labels: error %v", err)
	}
}
