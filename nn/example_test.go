package nn_test

import (
	"fmt"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// A small classifier: the parameters carry PyTorch's names, so its state
// dict loads into torch.nn.Sequential(Linear(4, 8), Tanh(), Linear(8, 3)).
func ExampleSequential() {
	rng := tensor.NewRNG(1)
	model := nn.NewSequential(nn.NewLinear(rng, 4, 8, true), nn.Tanh(), nn.NewLinear(rng, 8, 3, true))
	x := tensor.Randn(rng, 5, 4)
	labels := tensor.New([]float32{0, 2, 1, 1, 0}, 5)

	loss := nn.CrossEntropyLoss(model.Forward(x), labels)
	loss.Backward()
	for _, p := range model.Params() {
		fmt.Println(p.Name, p.Tensor.Shape(), p.Tensor.Grad() != nil)
	}
	fmt.Println(nn.NumParams(model), "parameters")
	// Output:
	// 0.weight [8 4] true
	// 0.bias [8] true
	// 2.weight [3 8] true
	// 2.bias [3] true
	// 67 parameters
}
