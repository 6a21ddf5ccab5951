package energy_test

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/tensor"
)

// PCA with one direction turns the line y2 = 2 y1 + 1 into the valley of an
// energy: zero on the line, the squared distance to it elsewhere.
func ExamplePCA() {
	data := tensor.New([]float32{0, 1, 1, 3, 2, 5, 3, 7}, 4, 2)
	p, err := energy.FitPCA(data, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	y := tensor.New([]float32{4, 9, 0, 2}, 2, 2) // on the line, then 1/sqrt(5) off it
	e := p.Energy(nil, y).Data()
	fmt.Printf("F(4, 9) = %.3f\nF(0, 2) = %.3f\n", e[0], e[1])
	fmt.Printf("direction (%.3f, %.3f), code of (4, 9): %.3f\n", p.W.At(0, 0), p.W.At(1, 0), p.Encode(y).At(0, 0))
	// Output:
	// F(4, 9) = 0.000
	// F(0, 2) = 0.200
	// direction (0.447, 0.894), code of (4, 9): 5.590
}

// With the atoms e1, e2 and (e1 + e2)/sqrt(2), the sparsest good code of
// y = (1, 1) uses the diagonal atom alone, with weight sqrt(2) - lambda.
// FISTA gets closer to it than ISTA in the same number of iterations.
func ExampleSparseCoding_FISTA() {
	r := float32(1 / math.Sqrt2)
	s := &energy.SparseCoding{
		Dict:   tensor.New([]float32{1, 0, r, 0, 1, r}, 2, 3),
		Lambda: 0.1,
	}
	y := tensor.New([]float32{1, 1}, 1, 2)
	z := s.FISTA(y, 500)
	fmt.Printf("z* = (%.3f, %.3f, %.3f)\n", z.At(0, 0), z.At(0, 1), z.At(0, 2))
	fmt.Printf("E(y, z*) = %.4f\n", s.LatentEnergy(nil, y, z).Item())
	fmt.Printf("after 10 iterations: ISTA %.4f, FISTA %.4f\n",
		s.LatentEnergy(nil, y, s.ISTA(y, 10)).Item(), s.LatentEnergy(nil, y, s.FISTA(y, 10)).Item())
	// Output:
	// z* = (0.000, 0.000, 1.314)
	// E(y, z*) = 0.1364
	// after 10 iterations: ISTA 0.1591, FISTA 0.1549
}
