package onnx

import (
	"encoding/binary"
	"math"
)

// Versions written into every model.
const (
	irVersion = 8  // ONNX 1.10 and later read it
	opset     = 17 // the default ai.onnx operator set
)

// Element types of onnx.proto's TensorProto.DataType.
const (
	typeFloat = 1
	typeInt64 = 7
)

// Attribute types of onnx.proto's AttributeProto.AttributeType.
const (
	attrFloat = 1
	attrInt   = 2
	attrInts  = 7
)

// attr is an attribute of a node: a float, an int or a list of ints.
type attr struct {
	name string
	typ  int
	f    float32
	i    int64
	ints []int64
}

func floatAttr(name string, f float32) attr  { return attr{name: name, typ: attrFloat, f: f} }
func intAttr(name string, i int64) attr      { return attr{name: name, typ: attrInt, i: i} }
func intsAttr(name string, is ...int64) attr { return attr{name: name, typ: attrInts, ints: is} }

// encode returns the AttributeProto.
func (a attr) encode() message {
	var m message
	m.string(1, a.name)
	switch a.typ {
	case attrFloat:
		m.float(2, a.f)
	case attrInt:
		m.int(3, a.i)
	case attrInts:
		m.ints(8, a.ints)
	}
	m.int(20, int64(a.typ))
	return m
}

// node is an operator of the graph.
type node struct {
	name, op string
	in, out  []string
	attrs    []attr
}

// encode returns the NodeProto.
func (n node) encode() message {
	var m message
	for _, s := range n.in {
		m.string(1, s)
	}
	for _, s := range n.out {
		m.string(2, s)
	}
	m.string(3, n.name)
	m.string(4, n.op)
	for _, a := range n.attrs {
		m.message(5, a.encode())
	}
	return m
}

// initializer is a constant tensor of the graph: a weight or a setting.
type initializer struct {
	name   string
	dims   []int
	floats []float32 // for float tensors
	int64s []int64   // for int64 tensors
}

// encode returns the TensorProto, its values little-endian in raw_data.
func (t initializer) encode() message {
	var m message
	for _, d := range t.dims {
		m.int(1, int64(d))
	}
	var raw []byte
	if t.int64s != nil {
		m.int(2, typeInt64)
		for _, v := range t.int64s {
			raw = binary.LittleEndian.AppendUint64(raw, uint64(v))
		}
	} else {
		m.int(2, typeFloat)
		for _, v := range t.floats {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(v))
		}
	}
	m.string(8, t.name)
	m.bytes(9, raw)
	return m
}

// valueInfo returns the ValueInfoProto of a float tensor whose first
// dimension is the batch, "N", and the others dims.
func valueInfo(name string, dims []int) message {
	var shape message
	var batch message
	batch.string(2, "N") // dim_param
	shape.message(1, batch)
	for _, d := range dims {
		var dim message
		dim.int(1, int64(d)) // dim_value
		shape.message(1, dim)
	}
	var tensorType message
	tensorType.int(1, typeFloat) // elem_type
	tensorType.message(2, shape)
	var typ message
	typ.message(1, tensorType) // tensor_type
	var m message
	m.string(1, name)
	m.message(2, typ)
	return m
}

// graph is an ONNX graph being built: one input, its nodes and
// initializers in the order they were added, one output.
type graph struct {
	name          string
	input, output string
	inDims        []int // of one sample
	outDims       []int
	nodes         []node
	inits         []initializer
}

// encode returns the GraphProto.
func (g *graph) encode() message {
	var m message
	for _, n := range g.nodes {
		m.message(1, n.encode())
	}
	m.string(2, g.name)
	for _, t := range g.inits {
		m.message(5, t.encode())
	}
	m.message(11, valueInfo(g.input, g.inDims))
	m.message(12, valueInfo(g.output, g.outDims))
	return m
}

// model returns the ModelProto of g.
func model(g *graph, producerVersion, doc string) message {
	var m message
	m.int(1, irVersion)
	m.string(2, "gibbs")
	m.string(3, producerVersion)
	if doc != "" {
		m.string(6, doc)
	}
	m.message(7, g.encode())
	var ops message
	ops.string(1, "") // the default domain, ai.onnx
	ops.int(2, opset)
	m.message(8, ops)
	return m
}
