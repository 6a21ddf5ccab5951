package checkpoint

import (
	"bytes"
	"testing"
)

// FuzzRead checks that Read never panics, and that whatever it accepts
// survives a Write and a second Read unchanged.
func FuzzRead(f *testing.F) {
	f.Add(tinyFile)
	var b bytes.Buffer
	if err := Write(&b, sampleTensors(), map[string]string{"step": "3"}); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	for _, c := range corruptFiles {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		tensors, metadata, err := Read(bytes.NewReader(in), int64(len(in)))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Write(&out, tensors, metadata); err != nil {
			t.Fatalf("Write of what Read accepted: %v", err)
		}
		again, againMeta, err := Read(bytes.NewReader(out.Bytes()), int64(out.Len()))
		if err != nil {
			t.Fatalf("Read of what Write wrote: %v", err)
		}
		if len(again) != len(tensors) || len(againMeta) != len(metadata) {
			t.Fatalf("second read: %d tensors, %d metadata entries; first: %d, %d",
				len(again), len(againMeta), len(tensors), len(metadata))
		}
		for name, x := range tensors {
			if y := again[name]; y == nil || !equalBits(x, y) {
				t.Fatalf("tensor %q changed in a Write and Read", name)
			}
		}
		for k, v := range metadata {
			if againMeta[k] != v {
				t.Fatalf("metadata %q changed in a Write and Read", k)
			}
		}
	})
}
