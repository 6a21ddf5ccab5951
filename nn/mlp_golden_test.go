package nn_test

import (
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// TestGoldenMLPAdamStep trains a 4-8-3 Tanh network for one Adam step
// (lr 1e-2) under cross-entropy from PyTorch's initial weights and compares
// the loss, the gradients and the weights after the step with PyTorch's.
func TestGoldenMLPAdamStep(t *testing.T) {
	g := readGolden(t).MLP
	rng := tensor.NewRNG(1)
	m := nn.NewSequential(nn.NewLinear(rng, 4, 8, true), nn.Tanh(), nn.NewLinear(rng, 8, 3, true))
	if err := nn.LoadStateDict(m, stateOf(g.State)); err != nil {
		t.Fatal(err)
	}
	loss := nn.CrossEntropyLoss(m.Forward(g.Input.tensor()), g.Targets.tensor())
	assertClose(t, "loss", loss, &goldTensor{Shape: []int{}, Data: []float32{g.Loss}}, 1)
	loss.Backward()
	for _, p := range m.Params() {
		assertClose(t, p.Name+" gradient", p.Tensor.Grad(), g.Grads[p.Name], 1)
	}
	cfg := optim.DefaultAdamConfig()
	cfg.LR = 1e-2
	opt, err := optim.NewAdam(nn.Tensors(m), cfg)
	if err != nil {
		t.Fatal(err)
	}
	opt.Step()
	for _, p := range m.Params() {
		assertClose(t, p.Name+" after the step", p.Tensor, g.After[p.Name], 1)
	}
}
