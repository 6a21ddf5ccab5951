package kernel_test

import (
	"fmt"

	"github.com/gibbsml/gibbs/internal/kernel"
)

func ExampleSgemm() {
	// C = A * B^T with A 2x3 and B 2x3 stored row-major: B is read
	// transposed in place.
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, 0, 1, 0, 1, 0}
	c := make([]float32, 4)
	kernel.Sgemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2)
	fmt.Println(c)
	// Output: [4 2 10 5]
}
