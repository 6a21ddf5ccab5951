package nn_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// convNet is a small model with parameters, buffers and parameter-free layers.
func convNet(seed uint64) *nn.Sequential {
	rng := tensor.NewRNG(seed)
	return nn.NewSequential(
		nn.NewConv2d(rng, 1, 2, nn.ConvSpec{Kernel: 3, Padding: 1}),
		nn.NewBatchNorm2d(2),
		nn.ReLU(),
		nn.Flatten(),
		nn.NewLinear(rng, 2*4*4, 3, true),
	)
}

func TestStateDictNames(t *testing.T) {
	sd := nn.StateDict(convNet(1))
	var names []string
	for k := range sd {
		names = append(names, k)
	}
	sort.Strings(names)
	want := []string{"0.bias", "0.weight", "1.bias", "1.num_batches_tracked", "1.running_mean", "1.running_var", "1.weight", "4.bias", "4.weight"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("state dict names %v, want PyTorch's %v", names, want)
	}
	if got := nn.NumParams(convNet(1)); got != 2*9+2+2+2+32*3+3 {
		t.Errorf("NumParams = %d", got)
	}
}

func TestStateDictRoundTrip(t *testing.T) {
	src, dst := convNet(1), convNet(2)
	x := randn(3, 1, 2, 1, 4, 4)
	src.Forward(x) // one training step moves the running statistics
	if err := nn.LoadStateDict(dst, nn.StateDict(src)); err != nil {
		t.Fatal(err)
	}
	nn.SetTraining(src, false)
	nn.SetTraining(dst, false)
	a, b := src.Forward(x).Data(), dst.Forward(x).Data()
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("outputs differ after loading the state dict: %v vs %v", a, b)
	}
	// Loading copies: changing the source afterwards leaves dst alone.
	nn.StateDict(src)["4.bias"].Data()[0] += 1
	if reflect.DeepEqual(src.Forward(x).Data(), dst.Forward(x).Data()) {
		t.Error("the loaded model shares tensors with the source")
	}
}

func TestLoadStateDictErrors(t *testing.T) {
	good := func() map[string]*tensor.Tensor {
		sd := map[string]*tensor.Tensor{}
		for k, v := range nn.StateDict(convNet(1)) {
			sd[k] = v.Clone()
		}
		return sd
	}
	cases := []struct {
		name   string
		edit   func(sd map[string]*tensor.Tensor)
		substr string
	}{
		{"missing", func(sd map[string]*tensor.Tensor) { delete(sd, "1.running_var") }, "missing [1.running_var]"},
		{"unexpected", func(sd map[string]*tensor.Tensor) { sd["5.weight"] = tensor.Zeros(1) }, "unexpected [5.weight]"},
		{"shape", func(sd map[string]*tensor.Tensor) { sd["0.weight"] = tensor.Zeros(2, 1, 5, 5) }, `"0.weight" has shape [2 1 5 5]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := convNet(3)
			before := nn.StateDict(m)["4.weight"].Clone().Data()
			sd := good()
			c.edit(sd)
			err := nn.LoadStateDict(m, sd)
			if err == nil || !strings.Contains(err.Error(), c.substr) {
				t.Fatalf("error %v, want one containing %q", err, c.substr)
			}
			if !reflect.DeepEqual(before, nn.StateDict(m)["4.weight"].Data()) {
				t.Error("a failed load changed the model")
			}
		})
	}
}

func TestSetTrainingReachesChildren(t *testing.T) {
	bn, drop := nn.NewBatchNorm1d(2), nn.NewDropout(tensor.NewRNG(1), 0.5)
	m := nn.NewSequential(nn.NewLinear(tensor.NewRNG(1), 3, 2, true), bn, drop)
	nn.SetTraining(m, false)
	if bn.Training || drop.Training {
		t.Error("SetTraining(false) did not reach BatchNorm and Dropout")
	}
	nn.SetTraining(m, true)
	if !bn.Training || !drop.Training {
		t.Error("SetTraining(true) did not reach BatchNorm and Dropout")
	}
}

// A layer is per sample when it says so; Sequential when all its layers
// are; BatchNorm and Dropout only out of training; anything else not.
func TestPerSample(t *testing.T) {
	rng := tensor.NewRNG(1)
	bn, drop := nn.NewBatchNorm2d(2), nn.NewDropout(rng, 0.5)
	evalBN, evalDrop := nn.NewBatchNorm2d(2), nn.NewDropout(rng, 0.5)
	evalBN.SetTraining(false)
	evalDrop.SetTraining(false)
	conv := nn.NewConv2d(rng, 1, 2, nn.ConvSpec{Kernel: 3, Padding: 1})
	for _, c := range []struct {
		name string
		m    any
		want bool
	}{
		{"linear", nn.NewLinear(rng, 2, 2, true), true},
		{"silu", nn.SiLU(), true},
		{"flatten", nn.Flatten(), true},
		{"custom func", &nn.Func{Name: "mine", F: func(x *tensor.Tensor) *tensor.Tensor { return x }}, false},
		{"conv net", nn.NewSequential(&nn.Unflatten{Shape: []int{1, 4, 4}}, conv, nn.SiLU(), nn.NewMaxPool2d(2, 2, 0), nn.Flatten()), true},
		{"batchnorm training", nn.NewSequential(conv, bn), false},
		{"batchnorm eval", nn.NewSequential(conv, evalBN), true},
		{"dropout training", drop, false},
		{"dropout eval", evalDrop, true},
		{"attention, which does not say", nn.NewMultiHeadAttention(rng, 4, 2, 0, true), false},
		{"not a module", 3, false},
	} {
		if got := nn.PerSample(c.m); got != c.want {
			t.Errorf("%s: PerSample %v, want %v", c.name, got, c.want)
		}
	}
}
