package kernel

import (
	"math"
	"testing"
)

// SoftmaxRows and SoftmaxGradRows against their definitions in float64,
// with a row of -Inf (no weight) and rows enough to split across threads.
func TestSoftmaxRows(t *testing.T) {
	inf := math.Inf(-1)
	for _, c := range []struct{ rows, n int }{{3, 5}, {1, 1}, {700, 67}} {
		x, g := make([]float32, c.rows*c.n), make([]float32, c.rows*c.n)
		for i := range x {
			x[i] = float32(math.Sin(float64(i)*1.3) * 4)
			g[i] = float32(math.Cos(float64(i) * 0.9))
		}
		for j := 0; j < c.n; j++ {
			x[j] = float32(inf)
		}
		for _, logOut := range []bool{false, true} {
			y := make([]float32, len(x))
			SoftmaxRows(y, x, c.n, logOut)
			for r := 0; r < c.rows; r++ {
				row := x[r*c.n : (r+1)*c.n]
				m, s := inf, 0.0
				for _, v := range row {
					m = math.Max(m, float64(v))
				}
				for _, v := range row {
					s += math.Exp(float64(v) - m)
				}
				for j, v := range row {
					want := math.Exp(float64(v)-m) / s
					if logOut {
						want = float64(v) - m - math.Log(s)
					}
					if r == 0 {
						want = 0
						if logOut {
							want = inf
						}
					}
					if got := float64(y[r*c.n+j]); !(got == want || math.Abs(got-want) <= 1e-5*(1+math.Abs(want))) {
						t.Fatalf("%+v log %v: [%d, %d] = %g, want %g", c, logOut, r, j, got, want)
					}
				}
			}
		}
		y := make([]float32, len(x))
		SoftmaxRows(y, x, c.n, false)
		dx := append([]float32(nil), g...)
		SoftmaxGradRows(dx, dx, y, c.n)
		for r := 0; r < c.rows; r++ {
			s := 0.0
			for j := r * c.n; j < (r+1)*c.n; j++ {
				s += float64(g[j]) * float64(y[j])
			}
			for j := r * c.n; j < (r+1)*c.n; j++ {
				want := float64(y[j]) * (float64(g[j]) - s)
				if math.Abs(float64(dx[j])-want) > 1e-5 {
					t.Fatalf("%+v: gradient [%d] = %g, want %g", c, j, dx[j], want)
				}
			}
		}
	}
}

// maxVec gives maxGo's value at every level, over lengths with and
// without a vector tail, with NaNs and -Infs anywhere.
func TestMaxVec(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(-1))
	cases := []struct {
		name string
		set  func(x []float32)
	}{
		{"plain", func([]float32) {}},
		{"negative", func(x []float32) {
			for i := range x {
				x[i] = -1 - x[i]*x[i]
			}
		}},
		{"allInf", func(x []float32) { Fill(x, inf) }},
		{"nanFirst", func(x []float32) { x[0] = nan }},
		{"nanLast", func(x []float32) { x[len(x)-1] = nan }},
		{"maxLast", func(x []float32) { x[len(x)-1] = 100 }},
	}
	forEachLevel(t, func(t *testing.T) {
		for _, c := range cases {
			for n := 0; n <= 70; n++ {
				x := make([]float32, n)
				for i := range x {
					x[i] = float32(math.Sin(float64(3*i + n)))
				}
				if n > 0 {
					c.set(x)
				}
				got, want := maxVec(x), maxGo(x)
				if got != want && !(got != got && want != want) {
					t.Fatalf("%s, n=%d: maxVec = %v, want %v", c.name, n, got, want)
				}
			}
		}
	})
}

// softmaxBlock and softmaxGradBlock give, bit for bit, what softmaxRow and
// softmaxGradRow give row by row, at every level, for row lengths with and
// without a loop of their own, with rows of -Inf (all or part), NaN, +Inf
// and values whose exponentials underflow.
func TestSoftmaxBlock(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	rows := []struct {
		name string
		set  func(x []float32)
	}{
		{"plain", func([]float32) {}},
		{"allNegInf", func(x []float32) { Fill(x, -inf) }},
		{"someNegInf", func(x []float32) { Fill(x[len(x)/2:], -inf) }},
		{"nan", func(x []float32) { x[len(x)-1] = nan }},
		{"posInf", func(x []float32) { x[0] = inf }},
		{"spread", func(x []float32) {
			for i := range x {
				x[i] *= 100
			}
		}},
	}
	same := func(a, b float32) bool {
		return a == b && math.Signbit(float64(a)) == math.Signbit(float64(b)) || a != a && b != b
	}
	forEachLevel(t, func(t *testing.T) {
		for _, n := range []int{8, 16, 24, 40, 64, 72, 256, 12, 264} {
			x, g := make([]float32, len(rows)*n), make([]float32, len(rows)*n)
			for i := range x {
				x[i] = float32(math.Sin(float64(i)*1.7) * 5)
				g[i] = float32(math.Cos(float64(i) * 0.3))
			}
			for r, c := range rows {
				c.set(x[r*n : (r+1)*n])
			}
			got, want := append([]float32(nil), x...), append([]float32(nil), x...)
			softmaxBlock(got, n)
			for r := range rows {
				softmaxRow(want[r*n:(r+1)*n], want[r*n:(r+1)*n], nil)
			}
			dGot, dWant := append([]float32(nil), g...), append([]float32(nil), g...)
			softmaxGradBlock(dGot, want, n)
			for r := range rows {
				softmaxGradRow(dWant[r*n:(r+1)*n], dWant[r*n:(r+1)*n], want[r*n:(r+1)*n])
			}
			for i := range x {
				if !same(got[i], want[i]) {
					t.Fatalf("n=%d, %s row [%d]: softmax %v, want %v", n, rows[i/n].name, i%n, got[i], want[i])
				}
				if !same(dGot[i], dWant[i]) {
					t.Fatalf("n=%d, %s row [%d]: gradient %v, want %v", n, rows[i/n].name, i%n, dGot[i], dWant[i])
				}
			}
		}
	})
}
