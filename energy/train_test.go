package energy_test

import (
	"math"
	"testing"

	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// blobs returns n points of four well separated Gaussian blobs in the
// plane and their labels.
func blobs(n int, rng *tensor.RNG) (*tensor.Tensor, []int) {
	centres := [][2]float32{{2, 2}, {-2, 2}, {-2, -2}, {2, -2}}
	x := tensor.Zeros(n, 2)
	labels := make([]int, n)
	for i := range labels {
		k := rng.IntN(4)
		labels[i] = k
		x.Set(centres[k][0]+0.3*rng.Norm(), i, 0)
		x.Set(centres[k][1]+0.3*rng.Norm(), i, 1)
	}
	return x, labels
}

// TestFiniteTrainingSeparates trains E(x, y) over four answers with each
// positive-margin loss and checks that argmin_y E(x, y) is right on
// held-out data.
func TestFiniteTrainingSeparates(t *testing.T) {
	answers := tensor.Eye(4)
	for _, name := range []string{"hinge", "log", "nll", "square-square", "mce"} {
		t.Run(name, func(t *testing.T) {
			rng := tensor.NewRNG(3)
			loss, err := energy.LossByName(name, energy.DefaultLossConfig())
			if err != nil {
				t.Fatal(err)
			}
			m := energy.NewMLP(rng, 6, []int{32}, func() nn.Layer { return nn.Tanh() })
			opt, err := optim.NewAdam(nn.Tensors(m), optim.AdamConfig{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
			if err != nil {
				t.Fatal(err)
			}
			for step := 0; step < 150; step++ {
				x, labels := blobs(64, rng)
				l := loss.Finite(energy.AllEnergies(m, x, answers), labels)
				opt.ZeroGrad()
				l.Backward()
				opt.Step()
			}
			x, labels := blobs(500, tensor.NewRNG(99))
			best, _ := energy.ArgminFinite(m, x, answers)
			wrong := 0
			for i := range best {
				if best[i] != labels[i] {
					wrong++
				}
			}
			if wrong > 0 {
				t.Errorf("%d of 500 held-out samples misclassified", wrong)
			}
		})
	}
}

func halfSquare(_, y *tensor.Tensor) *tensor.Tensor { return y.Square().Sum(1).MulScalar(0.5) }

func moments(y *tensor.Tensor) (mean, variance float64) {
	d := y.Data()
	for _, v := range d {
		mean += float64(v)
	}
	mean /= float64(len(d))
	for _, v := range d {
		variance += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, variance / float64(len(d))
}

func TestSamplersDrawTheGibbsDistribution(t *testing.T) {
	// exp(-|y|^2/2) is the standard normal.
	m := energy.Func(halfSquare)
	start := tensor.Uniform(tensor.NewRNG(1), -3, 3, 2000, 2)
	lang := energy.Langevin{Steps: 400, StepSize: 0.02, Noise: float32(math.Sqrt(0.04))}
	hmc := &energy.HMC{Iterations: 30, LeapfrogSteps: 5, StepSize: 0.3}
	cases := []struct {
		name   string
		sample func() *tensor.Tensor
	}{
		{"langevin", func() *tensor.Tensor { return lang.Run(m, nil, start, tensor.NewRNG(2)) }},
		{"hmc", func() *tensor.Tensor { return hmc.Sample(m, nil, start, tensor.NewRNG(3)) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mu, v := moments(c.sample())
			if math.Abs(mu) > 0.06 || math.Abs(v-1) > 0.08 {
				t.Errorf("mean %.3f variance %.3f, want 0 and 1", mu, v)
			}
		})
	}
	if r := hmc.AcceptanceRate(); r < 0.8 || r > 1 {
		t.Errorf("HMC acceptance rate %.3f on a Gaussian, want high", r)
	}
}

func TestLangevinRespectsBoxAndClip(t *testing.T) {
	steep := energy.Func(func(_, y *tensor.Tensor) *tensor.Tensor { return y.Sum(1).MulScalar(1000) })
	l := energy.Langevin{Steps: 3, StepSize: 1, Noise: 0, ClipGrad: 0.5, Lo: -1, Hi: 1}
	y := l.Run(steep, nil, tensor.Zeros(4, 2), tensor.NewRNG(1))
	for _, v := range y.Data() {
		if v != -1 {
			t.Fatalf("got %v, want chains clipped to steps of 0.5 and stopped at the box edge -1", y)
		}
	}
	if err := (energy.Langevin{Steps: 1}).Validate(); err == nil {
		t.Error("zero step size accepted")
	}
}

func TestReplayBuffer(t *testing.T) {
	rng := tensor.NewRNG(4)
	b, err := energy.NewReplayBuffer(rng, 10, []int{2}, 0, -1, 1)
	if err != nil {
		t.Fatal(err)
	}
	y, idx := b.Draw(4, rng)
	for i := range y.Data() {
		y.Data()[i] = 5
	}
	b.Store(idx, y)
	again := b.Chains.IndexSelect(0, idx)
	for _, v := range again.Data() {
		if v != 5 {
			t.Fatalf("stored chains not kept: %v", again)
		}
	}
	b.ReinitRate = 1
	fresh, _ := b.Draw(10, rng)
	for _, v := range fresh.Data() {
		if v < -1 || v > 1 {
			t.Fatalf("re-initialised chain %v outside the box", v)
		}
	}
	if _, err := energy.NewReplayBuffer(rng, 0, []int{2}, 0.05, -1, 1); err == nil {
		t.Error("empty buffer accepted")
	}
}

// gaussian is the energy of a diagonal Gaussian with learnable mean and
// log precision: E(y) = 1/2 sum exp(lp) (y - mu)^2.
type gaussian struct{ mu, logPrec *tensor.Tensor }

func (g *gaussian) Energy(_, y *tensor.Tensor) *tensor.Tensor {
	return y.Sub(g.mu).Square().Mul(g.logPrec.Exp()).Sum(1).MulScalar(0.5)
}

func (g *gaussian) Params() []nn.Param {
	return []nn.Param{{Name: "mu", Tensor: g.mu}, {Name: "log_prec", Tensor: g.logPrec}}
}

func TestScoreMatchingRecoversAGaussian(t *testing.T) {
	wantMu, wantVar := []float64{1, -2}, []float64{0.25, 4}
	const sigma = 0.5
	for _, obj := range []energy.Objective{energy.SlicedScore{}, energy.DenoisingScore{Sigma: sigma}} {
		rng := tensor.NewRNG(5)
		g := &gaussian{tensor.Zeros(2).SetRequiresGrad(true), tensor.Zeros(2).SetRequiresGrad(true)}
		opt, _ := optim.NewAdam(nn.Tensors(g), optim.AdamConfig{LR: 0.03, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8})
		for step := 0; step < 1500; step++ {
			y := tensor.Randn(rng, 256, 2).Mul(tensor.New([]float32{0.5, 2})).Add(tensor.New([]float32{1, -2}))
			loss, _, err := obj.Loss(g, nil, y, rng)
			if err != nil {
				t.Fatal(err)
			}
			opt.ZeroGrad()
			loss.Backward()
			opt.Step()
		}
		for i := range wantMu {
			mu := float64(g.mu.At(i))
			v := math.Exp(-float64(g.logPrec.At(i)))
			if _, ok := obj.(energy.DenoisingScore); ok {
				v -= sigma * sigma // denoising matches the data blurred by the noise
			}
			if math.Abs(mu-wantMu[i]) > 0.1 || math.Abs(v-wantVar[i])/wantVar[i] > 0.15 {
				t.Errorf("objective %T axis %d: mean %.3f variance %.3f, want %v and %v", obj, i, mu, v, wantMu[i], wantVar[i])
			}
		}
	}
}

func TestGridNLLOfAKnownDensity(t *testing.T) {
	m := energy.Func(halfSquare)
	test := tensor.Randn(tensor.NewRNG(6), 1000, 2)
	var want float64
	for i := 0; i < 1000; i++ {
		x, y := float64(test.At(i, 0)), float64(test.At(i, 1))
		want += (x*x+y*y)/2 + math.Log(2*math.Pi)
	}
	want /= 1000
	got := energy.GridNLL(m, test, boxOf(6), 200)
	if math.Abs(got-want) > 1e-3 {
		t.Errorf("grid NLL %.5f, want %.5f", got, want)
	}
}

func TestModeCoverage(t *testing.T) {
	centres := [][2]float64{{0, 0}, {5, 5}, {-5, 5}}
	// 1000 points evenly on the circle of radius 2 through three modes
	// of std 0.1: each mode takes the arc within 0.3 of its centre,
	// 4 asin(0.075) radians, so the ring is of high quality only there.
	var ring []float32
	for k := range 1000 {
		a := 2 * math.Pi * float64(k) / 1000
		ring = append(ring, float32(2*math.Cos(a)), float32(2*math.Sin(a)))
	}
	ringShare := 3 * 4 * math.Asin(0.075) / (2 * math.Pi)
	for _, tc := range []struct {
		name    string
		samples *tensor.Tensor
		centres [][2]float64
		want    energy.ModeStats
	}{
		{"two on each", tensor.New([]float32{0, 0, 5, 5, -5, 5, 0.1, 0, 5, 5.1, -5, 4.9}, 6, 2), centres,
			energy.ModeStats{Modes: 3, Covered: 3, HighQuality: 1, ReverseKL: 0}},
		{"one mode", tensor.New([]float32{0, 0, 0.1, 0, 0, 0.1, 9, 9}, 4, 2), centres,
			energy.ModeStats{Modes: 3, Covered: 1, HighQuality: 0.75, ReverseKL: math.Log(3)}},
		// A single stray sample covers a mode: PacGAN's count.
		{"stray", tensor.New([]float32{0, 0, 0, 0, 0, 0, 5, 5}, 4, 2), centres[:2],
			energy.ModeStats{Modes: 2, Covered: 2, HighQuality: 1, ReverseKL: 0.75*math.Log(1.5) + 0.25*math.Log(0.5)}},
		{"ring", tensor.New(ring, 1000, 2), [][2]float64{{2, 0}, {0, 2}, {-2, 0}},
			energy.ModeStats{Modes: 3, Covered: 3, HighQuality: ringShare, ReverseKL: 0}},
		{"none", tensor.New([]float32{9, 9}, 1, 2), centres,
			energy.ModeStats{Modes: 3, Covered: 0, HighQuality: 0, ReverseKL: math.Inf(1)}},
	} {
		got := energy.ModeCoverage(tc.samples, tc.centres, 0.1)
		if got.Modes != tc.want.Modes || got.Covered != tc.want.Covered || math.Abs(got.HighQuality-tc.want.HighQuality) > 5e-3 ||
			!(math.Abs(got.ReverseKL-tc.want.ReverseKL) < 1e-4 || got.ReverseKL == tc.want.ReverseKL) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
