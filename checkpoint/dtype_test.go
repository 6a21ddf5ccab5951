package checkpoint

import (
	"math"
	"testing"
)

// TestHalfToFloat32 checks every binary16 bit pattern against the value the
// IEEE 754 definition gives it, computed with math.Ldexp.
func TestHalfToFloat32(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		got := halfToFloat32(uint16(h))
		neg := h>>15 == 1
		exp := h >> 10 & 0x1f
		frac := h & 0x3ff
		if exp == 0x1f && frac != 0 {
			if !math.IsNaN(float64(got)) {
				t.Fatalf("half %#04x: got %v, want NaN", h, got)
			}
			continue
		}
		var want float64
		switch {
		case exp == 0x1f:
			want = math.Inf(1)
		case exp == 0:
			want = math.Ldexp(float64(frac), -24)
		default:
			want = math.Ldexp(float64(1024+frac), exp-25)
		}
		if neg {
			want = math.Copysign(want, -1)
		}
		if math.Float32bits(got) != math.Float32bits(float32(want)) {
			t.Fatalf("half %#04x: got %v (%#08x), want %v", h, got, math.Float32bits(got), want)
		}
	}
}

func TestDecoders(t *testing.T) {
	tests := []struct {
		dtype string
		data  []byte
		want  []float32
	}{
		{"F32", []byte{0, 0, 0xc0, 0x3f, 0, 0, 0x80, 0xff}, []float32{1.5, float32(math.Inf(-1))}},
		{"F64", []byte{0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f}, []float32{0.1}},
		{"F16", []byte{0x00, 0x3c, 0x00, 0xc1, 0x01, 0x00}, []float32{1, -2.5, 0x1p-24}},
		{"BF16", []byte{0xc0, 0x3f, 0x80, 0xbf}, []float32{1.5, -1}},
		{"I8", []byte{0x80, 0x7f}, []float32{-128, 127}},
		{"U8", []byte{0xff, 0}, []float32{255, 0}},
		{"I16", []byte{0x00, 0x80}, []float32{-32768}},
		{"U16", []byte{0xff, 0xff}, []float32{65535}},
		{"I32", []byte{0, 0, 0, 0x80, 0, 0, 0, 0x01}, []float32{-0x1p31, 0x1p24}},
		{"U32", []byte{0, 0, 0, 0x80}, []float32{0x1p31}},
		{"I64", []byte{0xf9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x80}, []float32{-7, -0x1p63}},
		{"U64", []byte{0, 0, 0, 0, 0, 0, 0, 0x80}, []float32{0x1p63}},
		{"BOOL", []byte{0, 1, 2}, []float32{0, 1, 1}},
	}
	for _, tt := range tests {
		dt := dtypes[tt.dtype]
		got := make([]float32, len(tt.data)/dt.size)
		if err := dt.decode(got, tt.data); err != nil {
			t.Errorf("%s: %v", tt.dtype, err)
			continue
		}
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(tt.want[i]) {
				t.Errorf("%s: got %v, want %v", tt.dtype, got, tt.want)
				break
			}
		}
	}
}

// TestIntegersNotExact checks that integers float32 would round are
// refused rather than silently changed.
func TestIntegersNotExact(t *testing.T) {
	tests := []struct {
		dtype string
		data  []byte
	}{
		{"I32", []byte{0x01, 0x00, 0x00, 0x01}},                         // 2^24 + 1
		{"U32", []byte{0xff, 0xff, 0xff, 0xff}},                         // 2^32 - 1
		{"I64", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}}, // 2^63 - 1 rounds up to 2^63
		{"U64", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}, // 2^64 - 1 rounds up to 2^64
	}
	for _, tt := range tests {
		dt := dtypes[tt.dtype]
		if err := dt.decode(make([]float32, 1), tt.data); err == nil {
			t.Errorf("%s % x: no error", tt.dtype, tt.data)
		}
	}
}
