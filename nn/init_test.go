package nn_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

func TestFansAndGain(t *testing.T) {
	fans := []struct {
		shape       []int
		fanIn, fout int
	}{
		{[]int{4, 3}, 3, 4},
		{[]int{8, 3, 5, 5}, 75, 200},
		{[]int{2, 6, 1, 3}, 18, 6},
	}
	for _, c := range fans {
		if in, out := nn.Fans(c.shape); in != c.fanIn || out != c.fout {
			t.Errorf("Fans(%v) = %d, %d, want %d, %d", c.shape, in, out, c.fanIn, c.fout)
		}
	}
	if msg := panicMessage(func() { nn.Fans([]int{5}) }); !strings.Contains(msg, "[5]") {
		t.Errorf("Fans of a vector: panic %q", msg)
	}
	gains := []struct {
		name  string
		param float64
		want  float64
	}{
		{"linear", 0, 1}, {"conv2d", 0, 1}, {"sigmoid", 0, 1}, {"tanh", 0, 5.0 / 3},
		{"relu", 0, math.Sqrt2}, {"leaky_relu", math.Sqrt(5), math.Sqrt(1.0 / 3)}, {"selu", 0, 0.75},
	}
	for _, c := range gains {
		if got := nn.Gain(c.name, c.param); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Gain(%q, %v) = %v, want %v", c.name, c.param, got, c.want)
		}
	}
	if msg := panicMessage(func() { nn.Gain("swish", 0) }); !strings.Contains(msg, "swish") {
		t.Errorf("unknown nonlinearity: panic %q", msg)
	}
}

// stats returns the largest magnitude and the standard deviation of t.
func stats(t *tensor.Tensor) (maxAbs, std float64) {
	var s, sq float64
	for _, v := range t.Data() {
		maxAbs = math.Max(maxAbs, math.Abs(float64(v)))
		s += float64(v)
		sq += float64(v) * float64(v)
	}
	n := float64(t.Len())
	return maxAbs, math.Sqrt(sq/n - (s/n)*(s/n))
}

func TestInitDistributions(t *testing.T) {
	rng := tensor.NewRNG(3)
	w := func() *tensor.Tensor { return tensor.Zeros(200, 50, 2, 2) } // fan in 200, fan out 800
	inf := math.Inf(1)
	// A uniform distribution on [-b, b] has standard deviation b/sqrt(3).
	cases := []struct {
		name       string
		t          *tensor.Tensor
		bound, std float64 // bound is +Inf for normal distributions
	}{
		{"KaimingUniform default", nn.KaimingUniform(rng, w(), math.Sqrt(5), nn.FanIn, "leaky_relu"), 1 / math.Sqrt(200), 1 / math.Sqrt(600)},
		{"KaimingUniform relu fan out", nn.KaimingUniform(rng, w(), 0, nn.FanOut, "relu"), math.Sqrt(6.0 / 800), math.Sqrt(2.0 / 800)},
		{"KaimingNormal relu", nn.KaimingNormal(rng, w(), 0, nn.FanIn, "relu"), inf, math.Sqrt(2.0 / 200)},
		{"XavierUniform", nn.XavierUniform(rng, w(), 1), math.Sqrt(6.0 / 1000), math.Sqrt(2.0 / 1000)},
		{"XavierNormal tanh", nn.XavierNormal(rng, w(), 5.0/3), inf, 5.0 / 3 * math.Sqrt(2.0/1000)},
		{"Uniform", nn.Uniform(rng, w(), -0.2, 0.2), 0.2, 0.2 / math.Sqrt(3)},
		{"Normal", nn.Normal(rng, w(), 0, 0.3), inf, 0.3},
	}
	for _, c := range cases {
		maxAbs, std := stats(c.t)
		if maxAbs > c.bound || math.Abs(std-c.std) > 0.02*c.std {
			t.Errorf("%s: max |v| %g (bound %g), std %g (want %g)", c.name, maxAbs, c.bound, std, c.std)
		}
		if !math.IsInf(c.bound, 1) && maxAbs < 0.99*c.bound {
			t.Errorf("%s: max |v| %g does not come near the bound %g", c.name, maxAbs, c.bound)
		}
	}
	if maxAbs, _ := stats(nn.Zeros(tensor.Ones(3, 3))); maxAbs != 0 {
		t.Error("Zeros left a value")
	}
}

func TestDefaultLayerInit(t *testing.T) {
	rng := tensor.NewRNG(4)
	conv := nn.NewConv2d(rng, 6, 8, nn.ConvSpec{Kernel: 3})
	convT := nn.NewConvTranspose2d(rng, 8, 6, nn.ConvSpec{Kernel: 4})
	emb := nn.NewEmbedding(rng, 100, 50)
	cases := []struct {
		name  string
		t     *tensor.Tensor
		bound float64
	}{
		{"Conv2d weight", conv.Weight, 1 / math.Sqrt(6*9)},
		{"Conv2d bias", conv.Bias, 1 / math.Sqrt(6*9)},
		{"ConvTranspose2d weight", convT.Weight, 1 / math.Sqrt(6*16)},
		{"ConvTranspose2d bias", convT.Bias, 1 / math.Sqrt(6*16)},
	}
	for _, c := range cases {
		if maxAbs, _ := stats(c.t); maxAbs > c.bound || maxAbs < 0.5*c.bound {
			t.Errorf("%s: max |v| %g, want close to and below %g", c.name, maxAbs, c.bound)
		}
		if !c.t.RequiresGrad() {
			t.Errorf("%s does not require a gradient", c.name)
		}
	}
	if _, std := stats(emb.Weight); math.Abs(std-1) > 0.03 {
		t.Errorf("Embedding weight std %g, want 1", std)
	}
	ln, bn := nn.NewLayerNorm(3), nn.NewBatchNorm2d(3)
	for _, p := range [][2]*tensor.Tensor{{ln.Weight, ln.Bias}, {bn.Weight, bn.Bias}, {bn.RunningVar, bn.RunningMean}} {
		for i := 0; i < 3; i++ {
			if p[0].At(i) != 1 || p[1].At(i) != 0 {
				t.Fatalf("norm layer starts at %v, %v; want ones and zeros", p[0], p[1])
			}
		}
	}
}
