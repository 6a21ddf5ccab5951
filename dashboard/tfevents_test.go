package dashboard

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gibbsml/gibbs/train"
)

// The records of an event file written by another implementation, the
// serialization test of tensorboard_logger (TeamHG-Memex): the version
// event, then v/1 = 1.5 at step 1 and v/22 = 16 at step 2, all at wall
// time 256.5 s.
var goldenRecords = [][]byte{
	[]byte("\x18\x00\x00\x00\x00\x00\x00\x00\xa3\x7fK\"\t\x00\x00\x00\x00\x00\x08p@\x1a\rbrain.Event:2\xbc\x98!+"),
	[]byte("\x19\x00\x00\x00\x00\x00\x00\x00\x8b\xf1\x08(\t\x00\x00\x00\x00\x00\x08p@\x10\x01*\x0c\n\n\n\x03v/1\x15\x00\x00\xc0?,\xec\xc0\x87"),
	[]byte("\x1a\x00\x00\x00\x00\x00\x00\x00\x12\x9b\xd8-\t\x00\x00\x00\x00\x00\x08p@\x10\x02*\r\n\x0b\n\x04v/22\x15\x00\x00\x80A\x8f\xa3\xb6\x88"),
}

func TestTFRecordsMatchAnotherWriter(t *testing.T) {
	got := [][]byte{
		tfRecord(tfEvent(256.5, 0, protoBytes(nil, 3, []byte("brain.Event:2")))),
		tfRecord(tfEvent(256.5, 1, tfSummary(train.Metrics{"step": 1.0, "v/1": 1.5}))),
		tfRecord(tfEvent(256.5, 2, tfSummary(train.Metrics{"step": 2.0, "v/22": 16.0, "note": "not a number"}))),
	}
	for i := range got {
		if !bytes.Equal(got[i], goldenRecords[i]) {
			t.Errorf("record %d:\n got %q\nwant %q", i, got[i], goldenRecords[i])
		}
	}
	// The reader of the tests reads them.
	path := filepath.Join(t.TempDir(), TFEventsFile)
	if err := os.WriteFile(path, bytes.Join(goldenRecords, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	version, scalars, err := readTFEvents(path)
	if want := []scalar{{1, "v/1", 1.5}, {2, "v/22", 16}}; err != nil || version != "brain.Event:2" || fmt.Sprint(scalars) != fmt.Sprint(want) {
		t.Errorf("reading the records back: version %q, scalars %v (%v); want brain.Event:2, %v", version, scalars, err, want)
	}
	// The CRC-32C check value of "123456789" is 0xe3069283; masked, it
	// is rotated right by 15 bits and 0xa282ead8 added.
	if c := maskedCRC([]byte("123456789")); c != 0xc78ab0e5 {
		t.Errorf("masked CRC-32C of 123456789: %#x, want 0xc78ab0e5", c)
	}
}

// scalar is one value read back from an event file.
type scalar struct {
	step  int64
	tag   string
	value float32
}

// readTFEvents reads an event file, checking the framing of each record
// and its CRCs, and returns its file version and its scalars.
func readTFEvents(path string) (version string, scalars []scalar, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	for len(b) > 0 {
		if len(b) < 12 {
			return "", nil, fmt.Errorf("%d bytes left, too few for a record header", len(b))
		}
		n := binary.LittleEndian.Uint64(b)
		if c := binary.LittleEndian.Uint32(b[8:]); c != maskedCRC(b[:8]) {
			return "", nil, fmt.Errorf("length CRC %#x, want %#x", c, maskedCRC(b[:8]))
		}
		if uint64(len(b)) < 16+n {
			return "", nil, fmt.Errorf("record of %d bytes with %d left", n, len(b)-12)
		}
		data := b[12 : 12+n]
		if c := binary.LittleEndian.Uint32(b[12+n:]); c != maskedCRC(data) {
			return "", nil, fmt.Errorf("data CRC %#x, want %#x", c, maskedCRC(data))
		}
		b = b[16+n:]
		var step int64
		var values [][]byte
		fields, err := protoFields(data)
		if err != nil {
			return "", nil, err
		}
		for _, f := range fields {
			switch f.num {
			case 1: // wall_time, a double
				if w := math.Float64frombits(f.fixed); w <= 0 || math.IsNaN(w) {
					return "", nil, fmt.Errorf("wall time %v", w)
				}
			case 2:
				step = int64(f.varint)
			case 3:
				version = string(f.bytes)
			case 5: // summary: its values
				vs, err := protoFields(f.bytes)
				if err != nil {
					return "", nil, err
				}
				for _, v := range vs {
					values = append(values, v.bytes)
				}
			}
		}
		for _, v := range values {
			var s scalar
			s.step = step
			fs, err := protoFields(v)
			if err != nil {
				return "", nil, err
			}
			for _, f := range fs {
				switch f.num {
				case 1:
					s.tag = string(f.bytes)
				case 2:
					s.value = math.Float32frombits(uint32(f.fixed))
				}
			}
			scalars = append(scalars, s)
		}
	}
	return version, scalars, nil
}

// protoField is one field of an encoded protocol buffer.
type protoField struct {
	num    int
	varint uint64
	fixed  uint64 // of a fixed 32- or 64-bit field
	bytes  []byte
}

// protoFields decodes the fields of a protocol buffer message.
func protoFields(b []byte) ([]protoField, error) {
	var fields []protoField
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, fmt.Errorf("bad field key in %q", b)
		}
		b = b[n:]
		f := protoField{num: int(key >> 3)}
		size := map[uint64]int{1: 8, 5: 4}[key&7]
		switch key & 7 {
		case 0:
			if f.varint, n = binary.Uvarint(b); n <= 0 {
				return nil, fmt.Errorf("bad varint in %q", b)
			}
			b = b[n:]
		case 1, 5:
			if len(b) < size {
				return nil, fmt.Errorf("field %d: %d bytes left, want %d", f.num, len(b), size)
			}
			f.fixed = binary.LittleEndian.Uint64(append(b[:size:size], make([]byte, 8-size)...))
			b = b[size:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return nil, fmt.Errorf("field %d: bad length in %q", f.num, b)
			}
			f.bytes, b = b[n:n+int(l)], b[n+int(l):]
		default:
			return nil, fmt.Errorf("wire type %d", key&7)
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// FollowTFEvents writes the metrics so far, follows the lines appended,
// writes the file anew when the metrics are trimmed, and takes the last
// lines before it returns.
func TestFollowTFEvents(t *testing.T) {
	d := newRun(t, train.Metrics{"step": 1, "loss": 2.5, "phase": "warm-up"}, train.Metrics{"step": 2, "loss": 2.0, "acc": 0.25})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- FollowTFEvents(ctx, d.Path, poll) }()
	path := filepath.Join(d.Path, TFEventsFile)
	wait := func(want []scalar) {
		t.Helper()
		var got []scalar
		var err error
		for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(poll) {
			if _, got, err = readTFEvents(path); err == nil && fmt.Sprint(got) == fmt.Sprint(want) {
				return
			}
		}
		t.Fatalf("scalars %v (%v), want %v", got, err, want)
	}
	wait([]scalar{{1, "loss", 2.5}, {2, "acc", 0.25}, {2, "loss", 2}})
	if err := d.TrimMetrics(1); err != nil {
		t.Fatal(err)
	}
	wait([]scalar{{1, "loss", 2.5}})
	if err := d.AppendMetrics(train.Metrics{"step": 2, "loss": 1.5}); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	version, got, err := readTFEvents(path)
	want := []scalar{{1, "loss", 2.5}, {2, "loss", 1.5}}
	if err != nil || version != "brain.Event:2" || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("file version %q, scalars %v (%v); want brain.Event:2, %v", version, got, err, want)
	}
}
