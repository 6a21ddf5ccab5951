package optim

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func withGrad(g ...float32) *tensor.Tensor {
	p := tensor.Zeros(len(g))
	p.SetGrad(tensor.New(g, len(g)))
	return p
}

func TestClipGradNorm(t *testing.T) {
	inf := float32(math.Inf(1))
	tests := []struct {
		name     string
		grads    [][]float32 // nil: a parameter without gradient
		maxNorm  float64
		wantNorm float64
		want     [][]float32
	}{
		{"below", [][]float32{{3}, {4}}, 10, 5, [][]float32{{3}, {4}}},
		{"above", [][]float32{{3, 0}, nil, {4}}, 1, 5, [][]float32{{0.6, 0}, nil, {0.8}}},
		{"no gradients", [][]float32{nil}, 1, 0, [][]float32{nil}},
		{"infinite", [][]float32{{inf, 1}}, 1, math.Inf(1), [][]float32{{inf, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			params := make([]*tensor.Tensor, len(tt.grads))
			for i, g := range tt.grads {
				if g == nil {
					params[i] = tensor.Zeros(1)
				} else {
					params[i] = withGrad(slices.Clone(g)...)
				}
			}
			if got := ClipGradNorm(params, tt.maxNorm); got != tt.wantNorm {
				t.Errorf("norm %v, want %v", got, tt.wantNorm)
			}
			for i, p := range params {
				if tt.want[i] == nil {
					if p.Grad() != nil {
						t.Errorf("parameter %d gained gradient %v", i, p.Grad())
					}
					continue
				}
				if m := mismatch(p.Grad().Data(), tt.want[i]); m != "" {
					t.Errorf("gradient %d: %s", i, m)
				}
			}
		})
	}
}

func TestClipGradValue(t *testing.T) {
	nan := float32(math.NaN())
	p := withGrad(-3, -0.5, 0, 0.5, 3, nan)
	ClipGradValue([]*tensor.Tensor{p, tensor.Zeros(2)}, 1)
	got := p.Grad().Data()
	want := []float32{-1, -0.5, 0, 0.5, 1}
	if !slices.Equal(got[:5], want) || !math.IsNaN(float64(got[5])) {
		t.Errorf("clipped %v, want %v and NaN", got, want)
	}
}

func TestClipPanicsOnInvalidBound(t *testing.T) {
	tests := []struct {
		name string
		clip func()
		want string
	}{
		{"norm", func() { ClipGradNorm(nil, -1) }, "optim: ClipGradNorm: invalid maximum norm -1"},
		{"norm NaN", func() { ClipGradNorm(nil, math.NaN()) }, "invalid maximum norm NaN"},
		{"value", func() { ClipGradValue(nil, -1) }, "optim: ClipGradValue: invalid clip value -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), tt.want) {
					t.Errorf("panic %v, want one containing %q", r, tt.want)
				}
			}()
			tt.clip()
		})
	}
}
