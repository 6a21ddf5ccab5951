package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

// tinyFile is a safetensors file written out by hand: a 107-byte header
// (0x6b, not padded) listing "b" before "a", then F32 [1, -2] for "a" and
// F16 1.5 (0x3e00) for "b".
var tinyFile = []byte("\x6b\x00\x00\x00\x00\x00\x00\x00" +
	`{"b":{"dtype":"F16","shape":[],"data_offsets":[8,10]},` +
	`"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}` +
	"\x00\x00\x80\x3f" + "\x00\x00\x00\xc0" +
	"\x00\x3e")

func TestReadTinyFile(t *testing.T) {
	tensors, metadata, err := Read(bytes.NewReader(tinyFile), int64(len(tinyFile)))
	if err != nil {
		t.Fatal(err)
	}
	if len(tensors) != 2 || metadata == nil || len(metadata) != 0 {
		t.Fatalf("got %d tensors and metadata %v, want 2 and an empty map", len(tensors), metadata)
	}
	checkTensor(t, "a", tensors["a"], []int{2}, []float32{1, -2})
	checkTensor(t, "b", tensors["b"], []int{}, []float32{1.5})
}

// checkTensor compares a tensor's shape and values, bit for bit.
func checkTensor(t *testing.T, name string, got *tensor.Tensor, shape []int, data []float32) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: missing", name)
		return
	}
	if !equalBits(got, newTensor(data, shape)) {
		t.Errorf("%s: got shape %v values %v, want shape %v values %v", name, got.Shape(), got.Data(), shape, data)
	}
}

// equalBits reports whether a and b have the same shape and the same value
// bits, so that NaNs and signed zeros compare exactly.
func equalBits(a, b *tensor.Tensor) bool {
	as, bs := a.Shape(), b.Shape()
	if len(as) != len(bs) || a.Len() != b.Len() {
		return false
	}
	for i := range as {
		if as[i] != bs[i] {
			return false
		}
	}
	for i, v := range a.Data() {
		if math.Float32bits(v) != math.Float32bits(b.Data()[i]) {
			return false
		}
	}
	return true
}

// file assembles a safetensors file from a header and a data buffer.
func file(header string, data string) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

// withLength returns a file that claims a header of n bytes and holds rest
// after the length.
func withLength(n uint64, rest string) []byte {
	return append(binary.LittleEndian.AppendUint64(nil, n), rest...)
}

// corruptFiles are malformed inputs and a part of the error each must give.
var corruptFiles = []struct {
	name string
	in   []byte
	want string
}{
	{"empty", nil, "too short"},
	{"seven bytes", []byte("\x02\x00\x00\x00\x00\x00\x00"), "too short"},
	{"header past end", withLength(100, "{}"), "exceeds the 2 bytes"},
	{"header length max uint64", withLength(math.MaxUint64, "{}"), "exceeds the limit"},
	{"invalid JSON", file(`{`, ""), "header: unexpected EOF"},
	{"truncated entry", file(`{"a":{"dtype":"F32"`, ""), `tensor "a": description: unexpected EOF`},
	{"not an object", file(`[]`, ""), "not a JSON object"},
	{"null", file(`null`, ""), "not a JSON object"},
	{"invalid UTF-8", file("{\"\xff\":{}}", ""), "UTF-8"},
	{"bad JSON token", file(`{1:2}`, ""), "header: invalid character"},
	{"trailing JSON", file(`{} {}`, ""), "after its JSON object"},
	{"nul padding", file("{}\x00", ""), "after its JSON object"},
	{"duplicate tensor", file(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, ""), `key "a" twice`},
	{"duplicate metadata key", file(`{"__metadata__":{"k":"1","k":"2"}}`, ""), `key "k" twice`},
	{"duplicate metadata", file(`{"__metadata__":{},"__metadata__":{}}`, ""), `key "__metadata__" twice`},
	{"metadata not string", file(`{"__metadata__":{"step":42}}`, ""), `metadata "step"`},
	{"metadata null value", file(`{"__metadata__":{"step":null}}`, ""), `metadata "step"`},
	{"metadata not object", file(`{"__metadata__":"x"}`, ""), "metadata is not a JSON object"},
	{"entry not object", file(`{"a":3}`, ""), "not a JSON object"},
	{"unknown field", file(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":1}}`, ""), `unknown field "x"`},
	{"duplicate field", file(`{"a":{"dtype":"F32","dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, ""), `key "dtype" twice`},
	{"missing dtype", file(`{"a":{"shape":[0],"data_offsets":[0,0]}}`, ""), "no dtype"},
	{"missing shape", file(`{"a":{"dtype":"F32","data_offsets":[0,0]}}`, ""), "no shape"},
	{"null shape", file(`{"a":{"dtype":"F32","shape":null,"data_offsets":[0,0]}}`, ""), "no shape"},
	{"missing offsets", file(`{"a":{"dtype":"F32","shape":[0]}}`, ""), "data_offsets"},
	{"one offset", file(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0]}}`, ""), "data_offsets"},
	{"dtype not string", file(`{"a":{"dtype":1,"shape":[0],"data_offsets":[0,0]}}`, ""), `field "dtype"`},
	{"unknown dtype", file(`{"a":{"dtype":"F99","shape":[0],"data_offsets":[0,0]}}`, ""), `"F99"`},
	{"unsupported dtype", file(`{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}`, "\x00"), `tensor "a": dtype "F8_E4M3"`},
	{"negative dim", file(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`, ""), "out of range"},
	{"negative dim after zero", file(`{"a":{"dtype":"F32","shape":[0,-1],"data_offsets":[0,0]}}`, ""), "out of range"},
	{"fractional dim", file(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,6]}}`, "123456"), `field "shape"`},
	{"dim beyond int64", file(`{"a":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,0]}}`, ""), `field "shape"`},
	{"shape overflow", file(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,0]}}`, ""), "more values than"},
	{"shape mismatch", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`, "12345678"), "needs 4 bytes"},
	{"offsets past buffer", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, "1234"), "outside"},
	{"negative offset", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}`, "1234"), "outside"},
	{"reversed offsets", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}`, "1234"), "outside"},
	{"overlap", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, "12345678"), "overlap between"},
	{"hole", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, "123456789abc"), "leave a hole"},
	{"hole at start", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, "12345678"), "start of the data buffer"},
	{"bytes left over", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, "12345"), "cover 4 bytes of the 5-byte"},
	{"integer not exact", file(`{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, "\x01\x00\x00\x01\x00\x00\x00\x00"), `tensor "a" of dtype I64: value 16777217`},
}

func TestReadCorrupt(t *testing.T) {
	for _, tt := range corruptFiles {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Read(bytes.NewReader(tt.in), int64(len(tt.in)))
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), "checkpoint: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start with \"checkpoint: \" and contain %q", err, tt.want)
			}
		})
	}
}

// lengthOnly serves an 8-byte header length and fails every other read,
// standing in for a huge file whose header is never read.
type lengthOnly uint64

func (n lengthOnly) ReadAt(p []byte, off int64) (int, error) {
	if off != 0 || len(p) != 8 {
		return 0, errors.New("read beyond the header length")
	}
	binary.LittleEndian.PutUint64(p, uint64(n))
	return 8, nil
}

// TestReadHeaderLimit checks that a header length over the limit is refused
// before it is read, however large the file.
func TestReadHeaderLimit(t *testing.T) {
	_, _, err := Read(lengthOnly(maxHeaderLen+1), 1<<40)
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("got error %v, want one about the header limit", err)
	}
}

// TestReadShortInput checks an input shorter than the size given for it.
func TestReadShortInput(t *testing.T) {
	in := file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, "12345678")
	_, _, err := Read(bytes.NewReader(in[:len(in)-1]), int64(len(in)))
	if err == nil || !strings.Contains(err.Error(), `reading tensor "a"`) {
		t.Errorf("got error %v, want one about reading tensor \"a\"", err)
	}
}

func TestLoadErrorsNameFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.safetensors")
	if err := os.WriteFile(bad, []byte("short"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{bad, filepath.Join(dir, "missing.safetensors")} {
		_, _, err := Load(path)
		if err == nil || !strings.HasPrefix(err.Error(), "checkpoint: ") || !strings.Contains(err.Error(), path) {
			t.Errorf("Load(%s): error %v, want one naming the file", path, err)
		}
	}
}
