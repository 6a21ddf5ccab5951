package data_test

import (
	"fmt"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
)

func ExampleToy() {
	x, err := data.Toy("ring8", 256, tensor.NewRNG(1))
	if err != nil {
		panic(err)
	}
	logp, _ := data.ToyDensity("ring8")
	modes, std, _ := data.ToyModes("ring8")
	fmt.Println(x.Shape(), len(modes), std)
	fmt.Printf("log-density at a mode: %.3f\n", logp(modes[0][0], modes[0][1]))

	loader, err := data.NewLoader(x, nil, data.LoaderOptions{BatchSize: 100, Shuffle: true, RNG: tensor.NewRNG(2)})
	if err != nil {
		panic(err)
	}
	for b := range loader.Epoch(0) {
		fmt.Println(b.Step, b.X.Shape())
	}
	// Output:
	// [256 2] 8 0.1
	// log-density at a mode: 0.688
	// 0 [100 2]
	// 1 [100 2]
	// 2 [56 2]
}
