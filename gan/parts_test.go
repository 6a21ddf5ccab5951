package gan

import (
	"testing"

	"github.com/gibbsml/gibbs/gradcheck"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// TestPenaltiesAgainstFiniteDifferences checks the gradients of WGAN-GP's
// and R1's penalties (gradients of gradients, through tensor.GradGraph)
// with respect to the discriminator's weights against central
// differences.
func TestPenaltiesAgainstFiniteDifferences(t *testing.T) {
	for _, tc := range []struct {
		name    string
		penalty func(d Discriminator, x *tensor.Tensor) *tensor.Tensor
	}{
		{"wgan-gp", WGANGP{Lambda: 10}.Penalty},
		{"r1", R1{Gamma: 2}.Penalty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := tensor.NewRNG(3)
			net := MLP{Hidden: []int{5}, Activation: func() nn.Layer { return nn.Tanh() }}.Build(rng, 3, 1, nil)
			d := &Critic{Net: net}
			x := tensor.Randn(rng, 4, 3)
			f := func(...*tensor.Tensor) *tensor.Tensor { return tc.penalty(d, x) }
			if err := gradcheck.Check(f, nn.Tensors(d), gradcheck.Options{Eps: 1e-2, Atol: 2e-3, Rtol: 2e-2}); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestPack checks the shapes of packed rows and that each packed row
// holds m consecutive samples.
func TestPack(t *testing.T) {
	for _, tc := range []struct {
		n, d, m int
		want    []int
	}{{8, 2, 1, []int{8, 2}}, {8, 2, 4, []int{2, 8}}, {6, 784, 3, []int{2, 2352}}} {
		x := tensor.Randn(tensor.NewRNG(1), tc.n, tc.d)
		p := Pack(x, tc.m)
		if got := p.Shape(); got[0] != tc.want[0] || got[1] != tc.want[1] {
			t.Errorf("Pack(%dx%d, %d): shape %v, want %v", tc.n, tc.d, tc.m, got, tc.want)
			continue
		}
		if p.At(tc.n/tc.m-1, tc.m*tc.d-1) != x.At(tc.n-1, tc.d-1) || p.At(0, tc.d*(tc.m-1)) != x.At(tc.m-1, 0) {
			t.Errorf("Pack(%dx%d, %d) does not join consecutive rows", tc.n, tc.d, tc.m)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Pack of 5 rows by 2 did not panic")
		}
	}()
	Pack(tensor.Zeros(5, 2), 2)
}

// TestEMA checks one update of the average on weights and on BatchNorm's
// running statistics, which are copied.
func TestEMA(t *testing.T) {
	build := func(seed uint64) *nn.Sequential {
		return MLP{Hidden: []int{3}, Activation: func() nn.Layer { return nn.ReLU() }, BatchNorm: true}.Build(tensor.NewRNG(seed), 2, 1, nil)
	}
	model, shadow := build(1), build(2)
	e, err := train.NewEMA(model, shadow, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	e.Updates = 100 // past the warm-up, where the decay is 0.9
	before := nn.StateDict(shadow)["0.weight"].Clone()
	w := nn.StateDict(model)["0.weight"]
	if before.Sub(w).Abs().Max().Item() != 0 {
		t.Fatal("NewEMA did not copy the model's weights")
	}
	w.CopyFrom(w.AddScalar(1))
	model.Forward(tensor.Randn(tensor.NewRNG(3), 8, 2)) // moves the running statistics
	e.Update()
	got := nn.StateDict(shadow)["0.weight"]
	if diff := got.Sub(before.AddScalar(0.1)).Abs().Max().Item(); diff > 1e-6 {
		t.Errorf("shadow weight off the average by %g", diff)
	}
	rm := nn.StateDict(shadow)["1.running_mean"]
	if diff := rm.Sub(nn.StateDict(model)["1.running_mean"]).Abs().Max().Item(); diff != 0 {
		t.Errorf("running mean not copied (off by %g)", diff)
	}
	if _, err := train.NewEMA(model, shadow, 1); err == nil {
		t.Error("decay 1 accepted")
	}
}

// TestPullingAway checks the term on codes pointing the same way (1) and
// at right angles (0).
func TestPullingAway(t *testing.T) {
	for _, tc := range []struct {
		codes []float32
		want  float32
	}{{[]float32{1, 0, 2, 0, 3, 0}, 1}, {[]float32{1, 0, 0, 1}, 0}} {
		s := tensor.New(tc.codes, len(tc.codes)/2, 2)
		if got := PullingAway(s).Item(); got < tc.want-1e-5 || got > tc.want+1e-5 {
			t.Errorf("PullingAway(%v) = %g, want %g", tc.codes, got, tc.want)
		}
	}
}

// TestMaxout checks that a maxout unit keeps the largest of its pieces,
// that the gradient reaches that piece alone, and the shape of a maxout
// MLP.
func TestMaxout(t *testing.T) {
	for _, tc := range []struct {
		pieces int
		x      []float32 // one row
		want   []float32
		grad   []float32 // of the sum of the outputs
	}{
		{2, []float32{1, 3, -2, -5}, []float32{3, -2}, []float32{0, 1, 1, 0}},
		{3, []float32{0.5, -1, 2, 7, 4, 6}, []float32{2, 7}, []float32{0, 0, 1, 1, 0, 0}},
	} {
		x := tensor.New(tc.x, 1, len(tc.x)).SetRequiresGrad(true)
		y := Maxout{Pieces: tc.pieces}.Forward(x)
		g := tensor.Grad(y.Sum(), x)[0]
		for i, w := range tc.want {
			if y.At(0, i) != w {
				t.Errorf("Maxout(%d) of %v: unit %d is %g, want %g", tc.pieces, tc.x, i, y.At(0, i), w)
			}
		}
		for i, w := range tc.grad {
			if g.At(0, i) != w {
				t.Errorf("Maxout(%d) of %v: gradient %d is %g, want %g", tc.pieces, tc.x, i, g.At(0, i), w)
			}
		}
	}
	net := MLP{Hidden: []int{6, 4}, Maxout: 5}.Build(tensor.NewRNG(1), 8, 1, nil)
	if got := net.Forward(tensor.Randn(tensor.NewRNG(2), 3, 8)).Shape(); got[0] != 3 || got[1] != 1 {
		t.Errorf("maxout MLP output shape %v, want [3 1]", got)
	}
	if w := nn.StateDict(net)["2.weight"]; w.Size(0) != 20 || w.Size(1) != 6 {
		t.Errorf("second maxout layer's weight is %v, want [20 6]", w.Shape())
	}
}
