package dashboard

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/gibbsml/gibbs/train"
)

// TFEventsFile is the name of the TensorBoard event file that
// FollowTFEvents writes in a run folder.
const TFEventsFile = "events.out.tfevents.gibbs"

// FollowTFEvents writes the numeric metrics of the run folder dir as
// scalars of a TensorBoard event file (TFEventsFile in the folder), so that
// `tensorboard --logdir` shows the run: it writes the metrics so far, then
// follows metrics.jsonl, looking every poll, until ctx is done, when it
// looks a last time and returns. The file is written anew from the metrics
// each time it starts and when the metrics are trimmed (a resumed run).
// Each metrics line is one Event at its step, with one Summary value per
// numeric key, tagged by the key; its wall time is when the line was read.
func FollowTFEvents(ctx context.Context, dir string, poll time.Duration) error {
	path := filepath.Join(dir, TFEventsFile)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("tfevents: %w", err)
	}
	defer f.Close()
	w := tfWriter{f: f}
	if err := w.start(); err != nil {
		return err
	}
	metrics := train.NewMetricsTail(dir, 0)
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	for done := false; ; {
		lines, reset, err := metrics.Read()
		if err != nil {
			return err
		}
		if reset {
			if err := w.start(); err != nil {
				return err
			}
		}
		for _, l := range lines {
			if err := w.scalars(int64(l.Step), l.Metrics); err != nil {
				return err
			}
		}
		if done && len(lines) == 0 {
			return f.Close()
		}
		select {
		case <-ctx.Done():
			done = true // look until nothing is left
		case <-ticker.C:
		}
	}
}

// tfWriter writes TensorBoard's event file.
type tfWriter struct {
	f *os.File
}

// start empties the file and writes its first event, which names the
// version of the format.
func (w tfWriter) start() error {
	if err := w.f.Truncate(0); err != nil {
		return fmt.Errorf("tfevents: %w", err)
	}
	if _, err := w.f.Seek(0, 0); err != nil {
		return fmt.Errorf("tfevents: %w", err)
	}
	return w.write(tfEvent(wallTime(), 0, protoBytes(nil, 3, []byte("brain.Event:2"))))
}

// scalars writes the numeric values of m as one event at step, if it has
// any.
func (w tfWriter) scalars(step int64, m train.Metrics) error {
	if s := tfSummary(m); s != nil {
		return w.write(tfEvent(wallTime(), step, s))
	}
	return nil
}

// write writes an encoded event as a record.
func (w tfWriter) write(event []byte) error {
	if _, err := w.f.Write(tfRecord(event)); err != nil {
		return fmt.Errorf("tfevents: %w", err)
	}
	return nil
}

// wallTime is the time now in seconds, as events carry it.
func wallTime() float64 { return float64(time.Now().UnixNano()) / 1e9 }

// tfSummary encodes the summary field (5) of an Event holding the
// numeric values of m but its step, tagged by their keys in sorted order;
// nil when there are none. A Summary is "repeated Value value = 1"; a
// Value is "string tag = 1; float simple_value = 2".
func tfSummary(m train.Metrics) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var summary []byte
	for _, k := range keys {
		v, ok := m[k].(float64)
		if !ok || k == "step" {
			continue
		}
		value := protoBytes(nil, 1, []byte(k))
		value = binary.AppendUvarint(value, 2<<3|5) // a fixed 32-bit field
		value = binary.LittleEndian.AppendUint32(value, math.Float32bits(float32(v)))
		summary = protoBytes(summary, 1, value)
	}
	if summary == nil {
		return nil
	}
	return protoBytes(nil, 5, summary)
}

// tfEvent encodes an Event: wall_time (1, a double, in seconds), step (2,
// left out when 0, as protocol buffers leave out zeros), then what it
// carries, an encoded field.
func tfEvent(wallTime float64, step int64, what []byte) []byte {
	b := binary.AppendUvarint(nil, 1<<3|1) // a fixed 64-bit field
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(wallTime))
	if step != 0 {
		b = binary.AppendUvarint(b, 2<<3)
		b = binary.AppendUvarint(b, uint64(step))
	}
	return append(b, what...)
}

// protoBytes appends to b the length-delimited field number field.
func protoBytes(b []byte, field int, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(field)<<3|2)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// tfRecord frames data as a TFRecord: its length (uint64), the masked
// CRC-32C of the length, the data, the masked CRC-32C of the data, all
// little-endian.
func tfRecord(data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(data)))
	b = binary.LittleEndian.AppendUint32(b, maskedCRC(b))
	b = append(b, data...)
	return binary.LittleEndian.AppendUint32(b, maskedCRC(data))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskedCRC is the CRC-32C of b masked as TFRecords store it: rotated
// right by 15 bits plus a constant.
func maskedCRC(b []byte) uint32 {
	c := crc32.Checksum(b, castagnoli)
	return (c>>15 | c<<17) + 0xa282ead8
}
