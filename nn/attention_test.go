package nn

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/gradcheck"
	"github.com/gibbsml/gibbs/tensor"
)

func TestAttentionGradients(t *testing.T) {
	rng := tensor.NewRNG(3)
	q, k, v := tensor.Randn(rng, 2, 3, 4), tensor.Randn(rng, 2, 5, 4), tensor.Randn(rng, 2, 5, 3)
	// Mask the last key of the first sequence and the future of the second.
	mask := tensor.Zeros(2, 3, 5)
	for i := 0; i < 3; i++ {
		mask.Set(negInf, 0, i, 4)
		for j := i + 1; j < 5; j++ {
			mask.Set(negInf, 1, i, j)
		}
	}
	outOf := func(xs ...*tensor.Tensor) *tensor.Tensor {
		out, _ := ScaledDotProductAttention(xs[0], xs[1], xs[2], mask)
		return out
	}
	weightsOf := func(xs ...*tensor.Tensor) *tensor.Tensor {
		_, w := ScaledDotProductAttention(xs[0], xs[1], xs[2], nil)
		return w
	}
	tests := []struct {
		name   string
		f      gradcheck.Func
		second bool
	}{
		{"output", outOf, false},
		{"output second order", outOf, true},
		{"weights", weightsOf, false},
		{"weights second order", weightsOf, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check := gradcheck.Check
			if tc.second {
				check = gradcheck.CheckSecond
			}
			if err := check(tc.f, []*tensor.Tensor{q, k, v}, gradcheck.Options{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestMultiHeadAttentionGradients(t *testing.T) {
	rng := tensor.NewRNG(4)
	m := NewMultiHeadAttention(rng, 4, 2, 0, true)
	Normal(rng, m.InProjBias, 0, 0.5)
	x, mem := tensor.Randn(rng, 2, 3, 4), tensor.Randn(rng, 2, 2, 4)
	mask := AttentionMask{KeyPadding: tensor.New([]float32{0, 0, 0, 1}, 2, 2)}
	cross := func(xs ...*tensor.Tensor) *tensor.Tensor {
		out, _ := m.Attend(xs[0], xs[1], xs[1], mask, false)
		return out
	}
	// Unmasked and causal attention take the fused heads, to itself or
	// to a memory.
	self := func(xs ...*tensor.Tensor) *tensor.Tensor { return m.Forward(xs[0]) }
	causal := func(xs ...*tensor.Tensor) *tensor.Tensor {
		out, _ := m.Attend(xs[0], xs[0], xs[0], AttentionMask{Causal: true}, false)
		return out
	}
	memory := func(xs ...*tensor.Tensor) *tensor.Tensor {
		out, _ := m.Attend(xs[0], xs[1], xs[1], AttentionMask{}, false)
		return out
	}
	memoryCausal := func(xs ...*tensor.Tensor) *tensor.Tensor {
		out, _ := m.Attend(xs[0], xs[1], xs[1], AttentionMask{Causal: true}, false)
		return out
	}
	for _, f := range []gradcheck.Func{cross, self, causal, memory, memoryCausal} {
		for _, check := range []func(gradcheck.Func, []*tensor.Tensor, gradcheck.Options) error{gradcheck.Check, gradcheck.CheckSecond} {
			if err := check(f, []*tensor.Tensor{x, mem}, gradcheck.Options{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The fused heads give the values of the composed operations, which
	// Attend takes when it returns the weights.
	for _, c := range []bool{false, true} {
		for _, kv := range []*tensor.Tensor{x, mem} {
			mask := AttentionMask{Causal: c}
			fast, _ := m.Attend(x, kv, kv, mask, false)
			ref, _ := m.Attend(x, kv, kv, mask, true)
			attnClose(t, fmt.Sprintf("fused heads, causal %v, keys %v", c, kv.Shape()), fast, ref, 1e-5, 1e-6)
		}
	}
}

func TestAttentionMasks(t *testing.T) {
	rng := tensor.NewRNG(5)
	m := NewMultiHeadAttention(rng, 6, 3, 0, true)
	const b, tq, tk = 2, 4, 4
	pad := tensor.Zeros(b, tk)
	pad.Set(1, 0, 3)
	pad.Set(1, 1, 1)
	pad.Set(1, 1, 2)
	tests := []struct {
		name   string
		mask   AttentionMask
		hidden func(b, i, j int) bool
	}{
		{"padding", AttentionMask{KeyPadding: pad}, func(b, _, j int) bool { return pad.At(b, j) != 0 }},
		{"causal", AttentionMask{Causal: true}, func(_, i, j int) bool { return j > i }},
		{"additive causal", AttentionMask{Attn: CausalMask(tq, tk)}, func(_, i, j int) bool { return j > i }},
		{"padding and causal", AttentionMask{KeyPadding: pad, Causal: true}, func(b, i, j int) bool { return j > i || pad.At(b, j) != 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := tensor.Randn(tensor.NewRNG(6), b, tq, 6)
			out, w := m.Attend(x, x, x, tc.mask, true)
			if got := w.Shape(); fmt.Sprint(got) != fmt.Sprint([]int{b, tq, tk}) {
				t.Fatalf("weights shape %v, want [%d %d %d]", got, b, tq, tk)
			}
			for bi := 0; bi < b; bi++ {
				for i := 0; i < tq; i++ {
					var sum float64
					for j := 0; j < tk; j++ {
						wv := w.At(bi, i, j)
						sum += float64(wv)
						if tc.hidden(bi, i, j) && wv != 0 {
							t.Errorf("weight (%d, %d, %d) = %g on a masked key", bi, i, j, wv)
						}
					}
					if math.Abs(sum-1) > 1e-5 {
						t.Errorf("weights of query (%d, %d) sum to %g", bi, i, sum)
					}
				}
			}
			// A query's output must not depend on the keys and values it
			// may not see: replace them by noise and compare.
			noise := tensor.Randn(tensor.NewRNG(7), b, tk, 6)
			for bi := 0; bi < b; bi++ {
				for i := 0; i < tq; i++ {
					x2 := x.Clone()
					for j := 0; j < tk; j++ {
						if tc.hidden(bi, i, j) {
							copy(x2.Data()[(bi*tk+j)*6:(bi*tk+j+1)*6], noise.Data()[(bi*tk+j)*6:])
						}
					}
					out2, _ := m.Attend(x, x2, x2, tc.mask, false)
					attnClose(t, fmt.Sprintf("output of query (%d, %d) with noise on its masked keys", bi, i),
						out2.Narrow(0, bi, 1).Narrow(1, i, 1), out.Narrow(0, bi, 1).Narrow(1, i, 1), 1e-5, 1e-5)
				}
			}
		})
	}
}

func TestFullyMaskedRow(t *testing.T) {
	rng := tensor.NewRNG(8)
	q := tensor.Randn(rng, 2, 3).SetRequiresGrad(true)
	k := tensor.Randn(rng, 3, 3).SetRequiresGrad(true)
	v := tensor.Randn(rng, 3, 2).SetRequiresGrad(true)
	mask := AdditiveMask(tensor.New([]float32{1, 1, 1, 0, 1, 0}, 2, 3))
	for _, attend := range []struct {
		name string
		f    func(q, k, v, mask *tensor.Tensor) (*tensor.Tensor, *tensor.Tensor)
	}{{"soft", ScaledDotProductAttention}, {"hard", HardAttention}} {
		t.Run(attend.name, func(t *testing.T) {
			out, w := attend.f(q, k, v, mask)
			for j := 0; j < 3; j++ {
				if w.At(0, j) != 0 {
					t.Errorf("fully masked row has weight %g on key %d", w.At(0, j), j)
				}
			}
			for j := 0; j < 2; j++ {
				if out.At(0, j) != 0 {
					t.Errorf("fully masked row has output %g", out.At(0, j))
				}
			}
			if s := w.At(1, 0) + w.At(1, 2); math.Abs(float64(s)-1) > 1e-6 {
				t.Errorf("open row weights sum to %g", s)
			}
			for i, g := range tensor.Grad(out.Sum(), q, k, v) {
				for _, x := range g.Data() {
					if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
						t.Fatalf("gradient %d is %v", i, g.Data())
					}
				}
			}
		})
	}
}

func TestHardAttention(t *testing.T) {
	q := tensor.New([]float32{1, 0, 0, 1, -1.5, -1}, 3, 2).SetRequiresGrad(true)
	k := tensor.New([]float32{2, 0, 0, 3, -1, -1}, 3, 2).SetRequiresGrad(true)
	v := tensor.New([]float32{10, 20, 30}, 3, 1).SetRequiresGrad(true)
	// Query 2 would pick key 2, which the mask hides; keys 0 and 1 tie.
	mask := AdditiveMask(tensor.New([]float32{0, 0, 0, 0, 0, 0, 0, 0, 1}, 3, 3))
	out, w := HardAttention(q, k, v, mask)
	if got, want := fmt.Sprint(out.Data()), fmt.Sprint([]float32{10, 20, 10}); got != want {
		t.Errorf("out %v, want %v (weights %v)", got, want, w.Data())
	}
	g := tensor.Grad(out.Sum(), q, k, v)
	if got, want := fmt.Sprint(g[2].Data()), fmt.Sprint([]float32{2, 1, 0}); got != want {
		t.Errorf("value gradient %v, want %v", got, want)
	}
	for i, gi := range g[:2] {
		for _, x := range gi.Data() {
			if x != 0 {
				t.Errorf("input %d gets gradient %v through the selection", i, gi.Data())
				break
			}
		}
	}
}

func TestAttentionShapePanics(t *testing.T) {
	rng := tensor.NewRNG(9)
	m := NewMultiHeadAttention(rng, 4, 2, 0, true)
	x := tensor.Zeros(2, 3, 4)
	tests := []struct {
		name string
		f    func()
		want []string
	}{
		{"sdpa feature size", func() { ScaledDotProductAttention(tensor.Zeros(3, 4), tensor.Zeros(5, 3), tensor.Zeros(5, 2), nil) }, []string{"[3 4]", "[5 3]"}},
		{"sdpa values", func() { ScaledDotProductAttention(tensor.Zeros(3, 4), tensor.Zeros(5, 4), tensor.Zeros(4, 2), nil) }, []string{"[5 4]", "[4 2]"}},
		{"sdpa mask", func() {
			ScaledDotProductAttention(tensor.Zeros(3, 4), tensor.Zeros(5, 4), tensor.Zeros(5, 2), tensor.Zeros(3, 4))
		}, []string{"[3 4]", "[3 5]"}},
		{"hard rank", func() { HardAttention(tensor.Zeros(4), tensor.Zeros(5, 4), tensor.Zeros(5, 2), nil) }, []string{"[4]", "[5 4]"}},
		{"mha query", func() { m.Attend(tensor.Zeros(2, 3, 5), x, x, AttentionMask{}, false) }, []string{"[2 3 5]", "[2 3 4]"}},
		{"mha batch", func() { m.Attend(x, tensor.Zeros(1, 3, 4), tensor.Zeros(1, 3, 4), AttentionMask{}, false) }, []string{"[1 3 4]"}},
		{"mha padding", func() { m.Attend(x, x, x, AttentionMask{KeyPadding: tensor.Zeros(2, 4)}, false) }, []string{"[2 4]", "[2, 3]"}},
		{"mha attn mask", func() { m.Attend(x, x, x, AttentionMask{Attn: tensor.Zeros(3, 2)}, false) }, []string{"[3 2]", "[2 2 3 3]"}},
		{"heads", func() { NewMultiHeadAttention(rng, 6, 4, 0, true) }, []string{"6", "4 heads"}},
		{"positional", func() { NewLearnedPositional(rng, 2, 4).Forward(x) }, []string{"[2 3 4]", "T <= 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := panicMessage(tc.f)
			if msg == "" {
				t.Fatal("no panic")
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("panic %q does not mention %q", msg, w)
				}
			}
		})
	}
}

// panicMessage runs f and returns what it panicked with, or "".
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

func TestMultiHeadAttentionInit(t *testing.T) {
	m := NewMultiHeadAttention(tensor.NewRNG(10), 8, 2, 0, true)
	want := map[string][]int{
		"in_proj_weight": {24, 8}, "in_proj_bias": {24},
		"out_proj.weight": {8, 8}, "out_proj.bias": {8},
	}
	ps := m.Params()
	if len(ps) != len(want) {
		t.Fatalf("%d parameters, want %d", len(ps), len(want))
	}
	for _, p := range ps {
		if fmt.Sprint(p.Tensor.Shape()) != fmt.Sprint(want[p.Name]) {
			t.Errorf("%s has shape %v, want %v", p.Name, p.Tensor.Shape(), want[p.Name])
		}
	}
	bound := math.Sqrt(6.0 / 32)
	maxAbs := 0.0
	for _, x := range m.InProjWeight.Data() {
		maxAbs = max(maxAbs, math.Abs(float64(x)))
	}
	if maxAbs > bound || maxAbs < bound/2 {
		t.Errorf("in_proj_weight max |w| = %g, want close to the Xavier bound %g", maxAbs, bound)
	}
	for _, b := range []*tensor.Tensor{m.InProjBias, m.OutProj.Bias} {
		for _, x := range b.Data() {
			if x != 0 {
				t.Fatalf("bias not zero: %v", b.Data())
			}
		}
	}
	if n := len(NewMultiHeadAttention(tensor.NewRNG(10), 8, 2, 0, false).Params()); n != 2 {
		t.Errorf("without biases: %d parameters, want 2", n)
	}
}

func TestSinusoidalEncoding(t *testing.T) {
	pe := SinusoidalEncoding(50, 5)
	tests := []struct {
		pos, i int
		want   float64
	}{
		{0, 0, 0}, {0, 1, 1}, {0, 4, 0},
		{1, 0, math.Sin(1)}, {1, 1, math.Cos(1)},
		{7, 2, math.Sin(7 / math.Pow(10000, 2.0/5))},
		{49, 3, math.Cos(49 / math.Pow(10000, 2.0/5))},
		{49, 4, math.Sin(49 / math.Pow(10000, 4.0/5))},
	}
	for _, tc := range tests {
		if got := float64(pe.At(tc.pos, tc.i)); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("PE(%d, %d) = %g, want %g", tc.pos, tc.i, got, tc.want)
		}
	}
}

func TestLearnedPositional(t *testing.T) {
	p := NewLearnedPositional(tensor.NewRNG(11), 5, 3)
	x := tensor.Randn(tensor.NewRNG(12), 2, 4, 3)
	y := p.Forward(x)
	for _, idx := range [][]int{{0, 0, 0}, {1, 3, 2}} {
		if got, want := y.At(idx...), x.At(idx...)+p.Weight.At(idx[1], idx[2]); got != want {
			t.Errorf("y%v = %g, want %g", idx, got, want)
		}
	}
	if names := fmt.Sprint(StateDict(p)); !strings.Contains(names, "weight") {
		t.Errorf("state dict %v lacks weight", names)
	}
}

// goldenTensor is a tensor as the golden file stores it.
type goldenTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func (g goldenTensor) tensor() *tensor.Tensor {
	return tensor.New(append([]float32{}, g.Data...), g.Shape...)
}

// attnGoldenCase is one PyTorch reference run of scripts/attention_golden.py.
type attnGoldenCase struct {
	Name   string                  `json:"name"`
	State  map[string]goldenTensor `json:"state"`
	Inputs map[string]goldenTensor `json:"inputs"`
	Masks  map[string]goldenTensor `json:"masks"`
	Seed   goldenTensor            `json:"seed"`
	Out    goldenTensor            `json:"out"`
	Grads  map[string]goldenTensor `json:"grads"`
	// Weights are the head-averaged attention weights (attention cases).
	Weights *goldenTensor `json:"weights"`
}

// attnGolden returns the case called name from the golden file.
func attnGolden(t *testing.T, name string) attnGoldenCase {
	t.Helper()
	raw, err := os.ReadFile("testdata/attention_golden.json")
	if err != nil {
		t.Fatalf("reading golden file (regenerate with /usr/bin/python3 scripts/attention_golden.py): %v", err)
	}
	var doc struct {
		Cases []attnGoldenCase `json:"cases"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decoding golden file: %v", err)
	}
	for _, c := range doc.Cases {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("golden case %q not found", name)
	return attnGoldenCase{}
}

// replayGolden loads the case's state into m, runs forward on the case's
// inputs and compares the output, the weights (when forward returns them)
// and the gradients of sum(out * seed) with PyTorch's.
func replayGolden(t *testing.T, c attnGoldenCase, m Module, forward func(in, masks map[string]*tensor.Tensor) (out, weights *tensor.Tensor)) {
	t.Helper()
	const rtol, atol = 1e-5, 1e-5
	state := map[string]*tensor.Tensor{}
	for name, g := range c.State {
		state[name] = g.tensor()
	}
	if err := LoadStateDict(m, state); err != nil {
		t.Fatal(err)
	}
	in, masks := map[string]*tensor.Tensor{}, map[string]*tensor.Tensor{}
	for name, g := range c.Inputs {
		in[name] = g.tensor().SetRequiresGrad(true)
	}
	for name, g := range c.Masks {
		masks[name] = g.tensor()
	}
	ZeroGrad(m)
	out, weights := forward(in, masks)
	attnClose(t, "output", out, c.Out.tensor(), rtol, atol)
	if c.Weights != nil {
		attnClose(t, "weights", weights, c.Weights.tensor(), rtol, atol)
	}
	out.Mul(c.Seed.tensor()).Sum().Backward()
	for name, x := range in {
		attnClose(t, "gradient of "+name, x.Grad(), c.Grads[name].tensor(), rtol, atol)
	}
	for _, p := range m.Params() {
		attnClose(t, "gradient of "+p.Name, p.Tensor.Grad(), c.Grads[p.Name].tensor(), rtol, atol)
	}
}

// attnClose reports an error when got and want differ in shape or when
// |got - want| > atol + rtol*|want| somewhere.
func attnClose(t *testing.T, what string, got, want *tensor.Tensor, rtol, atol float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: missing", what)
		return
	}
	if fmt.Sprint(got.Shape()) != fmt.Sprint(want.Shape()) {
		t.Errorf("%s: shape %v, want %v", what, got.Shape(), want.Shape())
		return
	}
	for i, w := range want.Data() {
		g := got.Data()[i]
		if d := math.Abs(float64(g - w)); !(d <= atol+rtol*math.Abs(float64(w))) {
			t.Errorf("%s: value %d is %g, want %g (and maybe more)", what, i, g, w)
			return
		}
	}
}

func TestMultiHeadAttentionGolden(t *testing.T) {
	tests := []struct {
		name    string
		forward func(m *MultiHeadAttention, in, masks map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor)
	}{
		{"mha_padding", func(m *MultiHeadAttention, in, masks map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
			return m.Attend(in["query"], in["key"], in["value"], AttentionMask{KeyPadding: masks["key_padding"]}, true)
		}},
		{"mha_causal", func(m *MultiHeadAttention, in, _ map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
			x := in["x"]
			return m.Attend(x, x, x, AttentionMask{Attn: CausalMask(x.Size(1), x.Size(1))}, true)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMultiHeadAttention(tensor.NewRNG(1), 8, 2, 0, true)
			replayGolden(t, attnGolden(t, tc.name), m, func(in, masks map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
				return tc.forward(m, in, masks)
			})
		})
	}
}

func BenchmarkMultiHeadAttention(b *testing.B) {
	rng := tensor.NewRNG(1)
	m := NewMultiHeadAttention(rng, 64, 4, 0, true)
	x := tensor.Randn(rng, 8, 32, 64).SetRequiresGrad(true)
	mask := AttentionMask{Causal: true}
	for b.Loop() {
		out, _ := m.Attend(x, x, x, mask, false)
		out.Sum().Backward()
	}
}
