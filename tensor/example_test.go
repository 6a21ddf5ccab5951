package tensor_test

import (
	"fmt"

	"github.com/gibbsml/gibbs/tensor"
)

// Gradients with respect to any tensor, and gradients of gradients.
func ExampleGradGraph() {
	x := tensor.New([]float32{1, 2, 3}, 3).SetRequiresGrad(true)
	y := x.Pow(3).Sum()             // y = sum x^3
	g := tensor.GradGraph(y, x)[0]  // dy/dx = 3x^2, recorded
	h := tensor.Grad(g.Sum(), x)[0] // d/dx sum(3x^2) = 6x
	fmt.Println(g.Data(), h.Data())
	// Output: [3 12 27] [6 12 18]
}

// Broadcasting aligns trailing axes, as in NumPy.
func ExampleTensor_Add() {
	m := tensor.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	row := tensor.New([]float32{10, 20, 30}, 3)
	fmt.Println(m.Add(row).Data())
	// Output: [11 22 33 14 25 36]
}

// Parameters accumulate gradients with Backward.
func ExampleTensor_Backward() {
	w := tensor.New([]float32{2}, 1).SetRequiresGrad(true)
	x := tensor.New([]float32{1, 1, 2, 2}, 4)
	loss := x.Mul(w).Sub(x.MulScalar(3)).Square().Mean() // fit y = 3x
	loss.Backward()
	fmt.Println(w.Grad().Data())
	// Output: [-5]
}
