package onnx

import (
	"encoding/binary"
	"math"
)

// Protobuf wire types.
const (
	wireVarint = 0
	wireI32    = 5
	wireLen    = 2
)

// message is a protobuf message being encoded, its fields appended in
// order.
type message []byte

func (m *message) key(field, wire int) {
	*m = binary.AppendUvarint(*m, uint64(field)<<3|uint64(wire))
}

// int appends an integer field (int32, int64 or an enum).
func (m *message) int(field int, v int64) {
	m.key(field, wireVarint)
	*m = binary.AppendUvarint(*m, uint64(v))
}

// ints appends a repeated integer field, one key per element (proto2's
// unpacked form).
func (m *message) ints(field int, vs []int64) {
	for _, v := range vs {
		m.int(field, v)
	}
}

// float appends a float field.
func (m *message) float(field int, v float32) {
	m.key(field, wireI32)
	*m = binary.LittleEndian.AppendUint32(*m, math.Float32bits(v))
}

// bytes appends a bytes field.
func (m *message) bytes(field int, b []byte) {
	m.key(field, wireLen)
	*m = binary.AppendUvarint(*m, uint64(len(b)))
	*m = append(*m, b...)
}

// string appends a string field.
func (m *message) string(field int, s string) { m.bytes(field, []byte(s)) }

// message appends an embedded message.
func (m *message) message(field int, sub message) { m.bytes(field, sub) }
