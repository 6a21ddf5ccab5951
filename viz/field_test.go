package viz

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func TestEvalGrid(t *testing.T) {
	box := Box{-1, 3, 0, 2}
	const res = 70 // 4900 points: two batches
	calls := 0
	f := EvalGrid(box, res, func(xs *tensor.Tensor) *tensor.Tensor {
		calls++
		n := xs.Size(0)
		out := tensor.Zeros(n, 1)
		for i := range n {
			out.Data()[i] = xs.At(i, 0) + 2*xs.At(i, 1)
		}
		return out
	})
	if calls != 2 {
		t.Errorf("%d calls for %d points, want 2", calls, res*res)
	}
	if f.W != res || f.H != res || len(f.Values) != res*res || f.Box != box {
		t.Fatalf("field %d×%d with %d values over %v", f.W, f.H, len(f.Values), f.Box)
	}
	for _, ij := range [][2]int{{0, 0}, {69, 0}, {0, 69}, {33, 50}} {
		i, j := ij[0], ij[1]
		x := -1 + (float64(i)+0.5)*4/res
		y := (float64(j) + 0.5) * 2 / res
		if got := f.Values[j*res+i]; math.Abs(got-(x+2*y)) > 1e-5 {
			t.Errorf("cell (%d, %d) = %v, want %v", i, j, got, x+2*y)
		}
	}
}

func TestEvalGridWrongLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a function returning the wrong number of values")
		}
	}()
	EvalGrid(Box{0, 1, 0, 1}, 4, func(xs *tensor.Tensor) *tensor.Tensor { return tensor.Zeros(3) })
}

func TestNewField(t *testing.T) {
	f := NewField(Box{0, 1, 0, 1}, [][]float64{{1, 2, 3}, {4, 5, 6}})
	if f.W != 3 || f.H != 2 || f.Values[4] != 5 {
		t.Errorf("field %+v", f)
	}
}

func TestColorScale(t *testing.T) {
	vals := make([]float64, 0, 102)
	for i := range 100 {
		vals = append(vals, float64(i))
	}
	vals = append(vals, 1e9, math.NaN())

	lo, hi, _ := ColorScale{}.limits(vals)
	if lo != 0 || hi != 1e9 {
		t.Errorf("full range [%v, %v], want [0, 1e9]", lo, hi)
	}
	clip := ColorScale{High: 99}
	lo, hi, _ = clip.limits(vals)
	if lo != 0 || hi > 100 {
		t.Errorf("99th percentile range [%v, %v]: the outlier should be clipped", lo, hi)
	}
	if p := clip.position(50, lo, hi); math.Abs(p-0.5) > 0.02 {
		t.Errorf("mid value at %v, want about 0.5 once the outlier is clipped", p)
	}
	if p := clip.position(1e9, lo, hi); p != 1 {
		t.Errorf("outlier at %v, want 1", p)
	}
	logScale := ColorScale{Log: true}
	if a, b, c := logScale.position(0, 0, 100), logScale.position(10, 0, 100), logScale.position(100, 0, 100); a != 0 || c != 1 || b < 0.5 {
		t.Errorf("log positions %v, %v, %v: want 0, more than 0.5, 1", a, b, c)
	}
	for _, s := range []ColorScale{clip, logScale} {
		if v := s.value(s.position(37, 0, 100), 0, 100); math.Abs(v-37) > 1e-9 {
			t.Errorf("%+v: value(position(37)) = %v", s, v)
		}
	}
	if p := clip.position(math.Inf(1), 3, 3); p != 1 {
		t.Errorf("+Inf in a flat field at %v, want 1", p)
	}
	if _, _, ok := clip.limits([]float64{math.NaN(), math.Inf(1)}); ok {
		t.Error("limits of no finite values reported ok")
	}
}
