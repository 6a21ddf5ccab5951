package nn_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

func panicMessage(f func()) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	f()
	return "no panic"
}

func TestShapeErrorsPanic(t *testing.T) {
	rng := tensor.NewRNG(1)
	conv := nn.NewConv2d(rng, 3, 4, nn.ConvSpec{Kernel: 3})
	x := tensor.Zeros(2, 3)
	cases := []struct {
		name string
		f    func()
		want []string // substrings of the message
	}{
		{"Linear", func() { nn.NewLinear(rng, 4, 2, true).Forward(x) }, []string{"Linear", "[2 3]"}},
		{"Conv2d channels", func() { conv.Forward(tensor.Zeros(1, 2, 5, 5)) }, []string{"Conv2d", "[1 2 5 5]", "[N, 3, H, W]"}},
		{"Conv2d too small", func() { conv.Forward(tensor.Zeros(1, 3, 2, 2)) }, []string{"Conv2d", "[1 3 2 2]"}},
		{"ConvTranspose2d", func() {
			nn.NewConvTranspose2d(rng, 2, 3, nn.ConvSpec{Kernel: 3}).Forward(tensor.Zeros(1, 3, 4, 4))
		}, []string{"ConvTranspose2d", "[1 3 4 4]"}},
		{"ConvTranspose2d output padding", func() {
			nn.NewConvTranspose2d(rng, 2, 3, nn.ConvSpec{Kernel: 3, OutputPadding: 1}).Forward(tensor.Zeros(1, 2, 4, 4))
		}, []string{"ConvTranspose2d", "output padding"}},
		{"MaxPool2d rank", func() { nn.NewMaxPool2d(2, 0, 0).Forward(tensor.Zeros(3, 4, 4)) }, []string{"MaxPool2d", "[3 4 4]"}},
		{"AvgPool2d window", func() { nn.NewAvgPool2d(5, 1, 0).Forward(tensor.Zeros(1, 1, 3, 3)) }, []string{"AvgPool2d", "[1 1 3 3]"}},
		{"MaxPool2d padding", func() { nn.NewMaxPool2d(2, 1, 2) }, []string{"MaxPool2d", "padding 2"}},
		{"Embedding index", func() { nn.NewEmbedding(rng, 4, 2).Forward(tensor.New([]float32{1, 4}, 2)) }, []string{"Embedding", "index 4", "[2]"}},
		{"Embedding fraction", func() { nn.NewEmbedding(rng, 4, 2).Forward(tensor.New([]float32{1.5}, 1)) }, []string{"Embedding", "1.5"}},
		{"LayerNorm", func() { nn.NewLayerNorm(4).Forward(x) }, []string{"LayerNorm", "[2 3]", "[4]"}},
		{"BatchNorm1d rank", func() { nn.NewBatchNorm1d(3).Forward(tensor.Zeros(2, 3, 1, 1)) }, []string{"BatchNorm1d", "[2 3 1 1]"}},
		{"BatchNorm2d channels", func() { nn.NewBatchNorm2d(2).Forward(tensor.Zeros(2, 3, 2, 2)) }, []string{"BatchNorm2d", "[2 3 2 2]"}},
		{"BatchNorm1d one value", func() { nn.NewBatchNorm1d(3).Forward(tensor.Zeros(1, 3)) }, []string{"BatchNorm1d", "[1 3]"}},
		{"MSELoss", func() { nn.MSELoss(x, tensor.Zeros(3, 2)) }, []string{"MSELoss", "[2 3]", "[3 2]"}},
		{"BCELoss", func() { nn.BCELoss(x, tensor.Zeros(2)) }, []string{"BCELoss", "[2 3]", "[2]"}},
		{"CrossEntropyLoss shape", func() { nn.CrossEntropyLoss(x, tensor.Zeros(3)) }, []string{"CrossEntropyLoss", "[2 3]", "[3]"}},
		{"CrossEntropyLoss class", func() { nn.CrossEntropyLoss(x, tensor.New([]float32{0, 3}, 2)) }, []string{"CrossEntropyLoss", "target 3"}},
		{"NLLLoss", func() { nn.NLLLoss(tensor.Zeros(2, 3, 1), tensor.Zeros(2)) }, []string{"NLLLoss", "[2 3 1]"}},
		{"GaussianKL", func() { nn.GaussianKL(x, tensor.Zeros(2, 4)) }, []string{"GaussianKL", "[2 3]", "[2 4]"}},
		{"two reductions", func() { nn.L1Loss(x, x, nn.ReduceSum, nn.ReduceNone) }, []string{"L1Loss", "2 reductions"}},
		{"Dropout probability", func() { nn.NewDropout(rng, 1.5) }, []string{"Dropout", "1.5"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := panicMessage(c.f)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic %q does not mention %q", msg, w)
				}
			}
		})
	}
}

func TestBatchNormTrainAndEval(t *testing.T) {
	const n, c = 8, 2
	x := randn(40, 2, n, c).AddScalar(3)
	bn := nn.NewBatchNorm1d(c)
	y := bn.Forward(x)
	for ch := 0; ch < c; ch++ {
		var mean, sq float64
		for i := 0; i < n; i++ {
			mean += float64(x.At(i, ch)) / n
		}
		for i := 0; i < n; i++ {
			d := float64(x.At(i, ch)) - mean
			sq += d * d
		}
		biased, unbiased := sq/n, sq/(n-1)
		var ym, yv float64
		for i := 0; i < n; i++ {
			ym += float64(y.At(i, ch)) / n
			yv += float64(y.At(i, ch)) * float64(y.At(i, ch)) / n
		}
		if math.Abs(ym) > 1e-5 || math.Abs(yv-biased/(biased+1e-5)) > 1e-4 {
			t.Errorf("channel %d: training output has mean %g and variance %g, want 0 and about 1", ch, ym, yv)
		}
		rm, rv := float64(bn.RunningMean.At(ch)), float64(bn.RunningVar.At(ch))
		if math.Abs(rm-0.1*mean) > 1e-5 || math.Abs(rv-(0.9+0.1*unbiased)) > 1e-5 {
			t.Errorf("channel %d: running mean %g and variance %g, want %g and %g (unbiased)", ch, rm, rv, 0.1*mean, 0.9+0.1*unbiased)
		}
	}
	if got := bn.NumBatchesTracked.Item(); got != 1 {
		t.Errorf("num_batches_tracked = %v after one step", got)
	}
	bn.SetTraining(false)
	before := bn.RunningMean.Clone().Data()
	y = bn.Forward(x)
	for i := 0; i < n; i++ {
		for ch := 0; ch < c; ch++ {
			want := (x.At(i, ch) - bn.RunningMean.At(ch)) / float32(math.Sqrt(float64(bn.RunningVar.At(ch))+1e-5))
			if d := y.At(i, ch) - want; d > 1e-5 || d < -1e-5 {
				t.Fatalf("evaluation output at (%d, %d) is %v, want %v", i, ch, y.At(i, ch), want)
			}
		}
	}
	if bn.RunningMean.Data()[0] != before[0] || bn.NumBatchesTracked.Item() != 1 {
		t.Error("evaluation changed the running statistics")
	}
}

func TestDropout(t *testing.T) {
	const p, n = 0.3, 20000
	x := tensor.Ones(n).SetRequiresGrad(true)
	d := nn.NewDropout(tensor.NewRNG(5), p)
	y := d.Forward(x)
	zeros, sum := 0, 0.0
	for _, v := range y.Data() {
		switch {
		case v == 0:
			zeros++
		case math.Abs(float64(v)-1/(1-p)) > 1e-6:
			t.Fatalf("kept value %v, want 1/(1-p) = %v", v, 1/(1-p))
		}
		sum += float64(v)
	}
	if frac := float64(zeros) / n; math.Abs(frac-p) > 0.015 {
		t.Errorf("dropped fraction %.3f, want about %v", frac, p)
	}
	if mean := sum / n; math.Abs(mean-1) > 0.02 {
		t.Errorf("mean output %.3f, want about 1 (inverted dropout)", mean)
	}
	g := tensor.Grad(y.Sum(), x)[0]
	for i, v := range g.Data() {
		if v != y.Data()[i] {
			t.Fatalf("gradient %v at %d differs from the mask %v", v, i, y.Data()[i])
		}
	}
	d.SetTraining(false)
	if out := d.Forward(x); out != x {
		t.Error("Dropout in evaluation is not the identity")
	}
	for _, v := range nn.NewDropout(tensor.NewRNG(1), 1).Forward(x).Data() {
		if v != 0 {
			t.Fatal("Dropout(1) kept a value")
		}
	}
}

func TestEmbeddingShape(t *testing.T) {
	e := nn.NewEmbedding(tensor.NewRNG(1), 6, 3)
	idx := tensor.New([]float32{5, 0, 2, 5}, 2, 1, 2)
	out := e.Forward(idx)
	if fmt.Sprint(out.Shape()) != "[2 1 2 3]" {
		t.Fatalf("shape %v, want [2 1 2 3]", out.Shape())
	}
	for j := 0; j < 3; j++ {
		if out.At(0, 0, 0, j) != e.Weight.At(5, j) || out.At(1, 0, 1, j) != e.Weight.At(5, j) {
			t.Fatal("row 5 not looked up")
		}
	}
}

func TestActivationValues(t *testing.T) {
	x := tensor.New([]float32{-2, -0.5, 0, 1.5}, 4)
	cases := []struct {
		layer *nn.Func
		f     func(x float64) float64
	}{
		{nn.ReLU(), func(x float64) float64 { return math.Max(x, 0) }},
		{nn.LeakyReLU(0.1), func(x float64) float64 { return math.Max(x, 0.1*x) }},
		{nn.ELU(0.5), func(x float64) float64 {
			if x > 0 {
				return x
			}
			return 0.5 * math.Expm1(x)
		}},
		{nn.GELU(), func(x float64) float64 { return x * 0.5 * (1 + math.Erf(x/math.Sqrt2)) }},
		{nn.SiLU(), func(x float64) float64 { return x / (1 + math.Exp(-x)) }},
		{nn.Tanh(), math.Tanh},
		{nn.Sigmoid(), func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }},
		{nn.Softplus(), func(x float64) float64 { return math.Log1p(math.Exp(x)) }},
		{nn.Identity(), func(x float64) float64 { return x }},
	}
	for _, c := range cases {
		t.Run(c.layer.String(), func(t *testing.T) {
			if c.layer.Params() != nil {
				t.Error("an activation has parameters")
			}
			y := c.layer.Forward(x)
			for i, v := range x.Data() {
				if want := c.f(float64(v)); math.Abs(float64(y.Data()[i])-want) > 1e-6 {
					t.Errorf("f(%v) = %v, want %v", v, y.Data()[i], want)
				}
			}
		})
	}
	if got := nn.Flatten().Forward(tensor.Zeros(2, 3, 4)).Shape(); fmt.Sprint(got) != "[2 12]" {
		t.Errorf("Flatten gives shape %v, want [2 12]", got)
	}
}

func TestLossValues(t *testing.T) {
	a, b := tensor.New([]float32{1, -2, 0.5}, 3), tensor.New([]float32{0, 1, 0.25}, 3)
	cases := []struct {
		name string
		got  *tensor.Tensor
		want float64
	}{
		{"MSELoss", nn.MSELoss(a, b), (1 + 9 + 0.0625) / 3},
		{"MSELoss sum", nn.MSELoss(a, b, nn.ReduceSum), 1 + 9 + 0.0625},
		{"L1Loss", nn.L1Loss(a, b), (1 + 3 + 0.25) / 3},
		{"HuberLoss", nn.HuberLoss(a, b, 1), (0.5 + 2.5 + 0.5*0.0625) / 3},
		{"BCELoss at 0 and 1", nn.BCELoss(tensor.New([]float32{0, 1}, 2), tensor.New([]float32{1, 1}, 2), nn.ReduceSum), 100},
		{"BCEWithLogitsLoss large", nn.BCEWithLogitsLoss(tensor.New([]float32{100}, 1), tensor.New([]float32{0}, 1)), 100},
		{"CrossEntropyLoss uniform", nn.CrossEntropyLoss(tensor.Zeros(2, 4), tensor.New([]float32{3, 0}, 2)), math.Log(4)},
		{"GaussianKL standard", nn.GaussianKL(tensor.Zeros(5, 3), tensor.Zeros(5, 3)), 0},
		{"GaussianKL", nn.GaussianKL(tensor.New([]float32{1, 0}, 1, 2), tensor.New([]float32{0, float32(math.Log(2))}, 1, 2)), 0.5 + 0.5*(2-1-math.Log(2))},
	}
	for _, c := range cases {
		if got := float64(c.got.Item()); math.Abs(got-c.want) > 1e-5*math.Max(1, math.Abs(c.want)) {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
	if s := nn.CrossEntropyLoss(tensor.Zeros(2, 4), tensor.New([]float32{3, 0}, 2), nn.ReduceNone).Shape(); fmt.Sprint(s) != "[2]" {
		t.Errorf("CrossEntropyLoss without reduction has shape %v, want [2]", s)
	}
}

func TestMaxPoolTiesAndNaN(t *testing.T) {
	nan := float32(math.NaN())
	x := tensor.New([]float32{
		1, 3, 3, 0,
		3, 2, nan, 5,
	}, 1, 1, 2, 4).SetRequiresGrad(true)
	y := nn.NewMaxPool2d(2, 0, 0).Forward(x)
	if y.At(0, 0, 0, 0) != 3 || !math.IsNaN(float64(y.At(0, 0, 0, 1))) {
		t.Fatalf("pooled %v, want [3 NaN]", y.Data())
	}
	// The tied maximum 3 of the first window sends its gradient to the first 3 only.
	g := tensor.Grad(y.Sum(), x)[0].Data()
	want := []float32{0, 1, 0, 0, 0, 0, 1, 0}
	for i := range want {
		if g[i] != want[i] {
			t.Fatalf("gradient %v, want %v", g, want)
		}
	}
}

// Cross-entropy on logits far from 0 keeps the digits of their
// differences: the loss and its gradient, softmax - onehot over the
// batch, match their float64 values.
func TestCrossEntropyLargeLogits(t *testing.T) {
	xs := []float32{1e4, 1e4 + 1, 1e4 + 2, -1e4, -1e4 + 3, -1e4 + 0.5}
	x := tensor.New(append([]float32(nil), xs...), 2, 3).SetRequiresGrad(true)
	targets := tensor.New([]float32{0, 2}, 2)
	loss := nn.CrossEntropyLoss(x, targets)
	g := tensor.Grad(loss, x)[0]
	var want float64
	for r, target := range []int{0, 2} {
		row := xs[3*r : 3*r+3]
		m := max(row[0], row[1], row[2])
		var s float64
		for _, v := range row {
			s += math.Exp(float64(v - m))
		}
		want -= (float64(row[target]-m) - math.Log(s)) / 2
		for j, v := range row {
			wantG := math.Exp(float64(v-m)) / s
			if j == target {
				wantG--
			}
			if got := g.Values()[3*r+j]; math.Abs(float64(got)-wantG/2) > 3e-7 {
				t.Errorf("gradient [%d %d] = %v, want %v", r, j, got, wantG/2)
			}
		}
	}
	if got := loss.Item(); math.Abs(float64(got)-want) > 3e-7*want {
		t.Errorf("loss = %v, want %v", got, want)
	}
}
