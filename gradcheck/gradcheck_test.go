package gradcheck_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/gradcheck"
	"github.com/gibbsml/gibbs/tensor"
)

// square builds x^2 as a custom operation with the given backward rule.
func square(backward func(x, g *tensor.Tensor) *tensor.Tensor) gradcheck.Func {
	return func(xs ...*tensor.Tensor) *tensor.Tensor {
		x := xs[0]
		out := x.Detach().Square()
		return tensor.Custom("square", out, []*tensor.Tensor{x}, func(b *tensor.Backprop) []*tensor.Tensor {
			return []*tensor.Tensor{backward(b.In[0], b.Grad)}
		})
	}
}

func TestCheckCatchesWrongBackward(t *testing.T) {
	x := []*tensor.Tensor{tensor.New([]float32{0.5, -1.2, 2, 0.3}, 2, 2)}
	cases := []struct {
		name       string
		backward   func(x, g *tensor.Tensor) *tensor.Tensor
		first, sec bool // whether the first and second order checks pass
		// (the second order check tests the backward of the backward
		// against the first derivative as computed, right or wrong)
	}{
		{"correct", func(x, g *tensor.Tensor) *tensor.Tensor { return g.Mul(x).MulScalar(2) }, true, true},
		{"wrong factor", func(x, g *tensor.Tensor) *tensor.Tensor { return g.Mul(x).MulScalar(3) }, false, true},
		{"wrong sign", func(x, g *tensor.Tensor) *tensor.Tensor { return g.Mul(x).MulScalar(-2) }, false, true},
		// Right values, but the backward is cut from the graph, so the
		// second derivative comes out zero.
		{"not differentiable", func(x, g *tensor.Tensor) *tensor.Tensor { return g.Mul(x.Detach()).MulScalar(2) }, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := square(c.backward)
			if err := gradcheck.Check(f, x, gradcheck.Options{}); (err == nil) != c.first {
				t.Errorf("Check: got %v, want pass=%v", err, c.first)
			}
			err := gradcheck.CheckSecond(f, x, gradcheck.Options{})
			if (err == nil) != c.sec {
				t.Errorf("CheckSecond: got %v, want pass=%v", err, c.sec)
			}
			if err != nil && !strings.Contains(err.Error(), "analytic") {
				t.Errorf("error %q does not say what differs", err)
			}
		})
	}
}

func ExampleCheck() {
	x := tensor.New([]float32{0.5, -1, 2}, 3)
	err := gradcheck.Check(func(xs ...*tensor.Tensor) *tensor.Tensor {
		return xs[0].Tanh().Mul(xs[0])
	}, []*tensor.Tensor{x}, gradcheck.Options{})
	fmt.Println(err == nil)
	// Output: true
}
