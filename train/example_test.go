package train_test

import (
	"context"
	"fmt"
	"os"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// A model family is a model, an objective and its pictures over the one
// loop: here a line fitted to y = 2x + 1, its weights, optimizer state and
// random stream all in the checkpoint, so that the run resumes exactly.
func ExampleLoop() {
	folder, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(folder)
	dir, err := train.OpenDir(folder) // locked until Close
	if err != nil {
		fmt.Println(err)
		return
	}
	defer dir.Close()

	rng := tensor.NewRNG(1)
	line := nn.NewLinear(rng, 1, 1, true)
	opt, _ := optim.NewSGD(nn.Tensors(line), optim.SGDConfig{LR: 0.1})
	header, _ := train.NewHeader("line", map[string]float64{"lr": 0.1})
	loop := train.Loop{
		Dir:             dir,
		Header:          header,
		Parts:           []train.Stateful{train.Module("model.", line), train.Optimizer("sgd", opt), train.RNG("rng", rng)},
		Steps:           200,
		CheckpointEvery: 50,
		Hooks: []train.Hook{{Every: 100, Run: func(done int, m train.Metrics) error {
			fmt.Printf("step %d: loss below 0.02: %v\n", done, m["loss"].(float64) < 0.02)
			return nil
		}}},
	}
	done, err := loop.Run(context.Background(), func(int) (train.Metrics, error) {
		x := tensor.Rand(rng, 32, 1)
		loss := line.Forward(x).Sub(x.MulScalar(2).AddScalar(1)).Square().Mean()
		v, err := train.Step(opt, loss) // zero grads, backward, update, release
		return train.Metrics{"loss": v}, err
	})
	fmt.Println(done, err)
	fmt.Printf("w %.1f b %.1f\n", line.Weight.Item(), line.Bias.Item())
	// Output:
	// step 100: loss below 0.02: true
	// step 200: loss below 0.02: true
	// 200 <nil>
	// w 1.9 b 1.1
}
