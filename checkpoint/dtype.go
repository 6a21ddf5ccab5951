package checkpoint

import (
	"encoding/binary"
	"fmt"
	"math"
)

// A dtype describes how one stored element type becomes float32.
type dtype struct {
	size int // bytes per element
	// decode fills dst from src, which holds len(dst) elements.
	decode func(dst []float32, src []byte) error
}

// dtypes lists the safetensors element types that Read accepts, by the name
// the header uses for them.
var dtypes = map[string]dtype{
	"F32":  {4, decodeF32},
	"F64":  {8, decodeF64},
	"F16":  {2, decodeF16},
	"BF16": {2, decodeBF16},
	"I8":   {1, intDecoder(1, true)},
	"I16":  {2, intDecoder(2, true)},
	"I32":  {4, intDecoder(4, true)},
	"I64":  {8, intDecoder(8, true)},
	"U8":   {1, intDecoder(1, false)},
	"U16":  {2, intDecoder(2, false)},
	"U32":  {4, intDecoder(4, false)},
	"U64":  {8, intDecoder(8, false)},
	"BOOL": {1, decodeBool},
}

func decodeF32(dst []float32, src []byte) error {
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
	}
	return nil
}

func decodeF64(dst []float32, src []byte) error {
	for i := range dst {
		dst[i] = float32(math.Float64frombits(binary.LittleEndian.Uint64(src[8*i:])))
	}
	return nil
}

func decodeF16(dst []float32, src []byte) error {
	for i := range dst {
		dst[i] = halfToFloat32(binary.LittleEndian.Uint16(src[2*i:]))
	}
	return nil
}

// decodeBF16 widens bfloat16, which is the upper half of a float32.
func decodeBF16(dst []float32, src []byte) error {
	for i := range dst {
		dst[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(src[2*i:])) << 16)
	}
	return nil
}

func decodeBool(dst []float32, src []byte) error {
	for i := range dst {
		dst[i] = 0
		if src[i] != 0 {
			dst[i] = 1
		}
	}
	return nil
}

// halfToFloat32 widens an IEEE 754 binary16 value (1 sign bit, 5 exponent
// bits with bias 15, 10 fraction bits) to float32 (bias 127, 23 fraction
// bits). The conversion is exact; NaN payloads are kept.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // infinity or NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
	case frac == 0: // signed zero
		return math.Float32frombits(sign)
	}
	// Subnormal: frac * 2^-24, normal in float32. Shift the leading one
	// into the implicit bit, lowering the exponent once per shift.
	e := uint32(127 - 14)
	for frac&0x400 == 0 {
		frac <<= 1
		e--
	}
	return math.Float32frombits(sign | e<<23 | (frac&0x3ff)<<13)
}

// intDecoder returns the decoder of little-endian integers of the given
// size in bytes. A value that float32 cannot hold exactly is an error.
func intDecoder(size int, signed bool) func(dst []float32, src []byte) error {
	return func(dst []float32, src []byte) error {
		for i := range dst {
			var u uint64
			for j := size - 1; j >= 0; j-- {
				u = u<<8 | uint64(src[i*size+j])
			}
			if signed {
				shift := 64 - 8*size
				v := int64(u<<shift) >> shift // sign-extend
				f := float32(v)
				if f >= 0x1p63 || int64(f) != v {
					return fmt.Errorf("value %d is not exactly a float32 value", v)
				}
				dst[i] = f
				continue
			}
			f := float32(u)
			if f >= 0x1p64 || uint64(f) != u {
				return fmt.Errorf("value %d is not exactly a float32 value", u)
			}
			dst[i] = f
		}
		return nil
	}
}
