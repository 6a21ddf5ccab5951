package onnx_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/attention"
	"github.com/gibbsml/gibbs/ebm"
	"github.com/gibbsml/gibbs/energy"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/onnx"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata")

// exported is a tiny network of each kind gibbs exports, named as its
// golden file.
type exported struct {
	name string
	net  train.Network
}

func aeCommon(arch string, shape, hidden []int, act, likelihood string) ae.Common {
	return ae.Common{Arch: arch, Shape: shape, Hidden: hidden, Latent: 2, Activation: act, Likelihood: likelihood, Sigma: 0.1, Seed: 7}
}

// networks returns the tiny networks: the families' own, and one of the
// layers no family uses yet.
func networks() []exported {
	rng := tensor.NewRNG(5)
	energyNet := &ebm.Model{Net: energy.NewMLP(rng, 2, []int{8, 8}, func() nn.Layer { return nn.GELU() })}
	quadraticNet := &ebm.Model{Net: energy.NewMLP(tensor.NewRNG(6), 5, []int{8}, func() nn.Layer { return nn.SiLU() })}
	quadraticNet.Net.Layer = nn.NewSequential(&nn.Quadratic{Scale: 3}, quadraticNet.Net.Layer) // as --features quadratic builds it
	mlpAE := &ae.TrainedAE{Config: ae.AEConfig{Common: aeCommon("mlp", []int{6}, []int{5}, "silu", "bernoulli"), Code: "sigmoid"}}
	mlpAE.AE = ae.NewAE(mlpAE.Config)
	convVAE := &ae.TrainedVAE{Config: ae.VAEConfig{Common: aeCommon("conv", []int{1, 8, 8}, []int{2, 3}, "elu", "bernoulli")}}
	convVAE.VAE = ae.NewVAE(convVAE.Config)
	mlpVAE := &ae.TrainedVAE{Config: ae.VAEConfig{Common: aeCommon("mlp", []int{6}, []int{4}, "tanh", "gaussian")}}
	mlpVAE.VAE = ae.NewVAE(mlpVAE.Config)

	bn := nn.NewBatchNorm1d(4)
	bn.RunningMean = tensor.Uniform(rng, -1, 1, 4)
	bn.RunningVar = tensor.Uniform(rng, 0.5, 2, 4)
	bn.SetTraining(false)
	layers := nn.NewSequential(
		&nn.Unflatten{Shape: []int{2, 3, 3}}, nn.NewConv2d(rng, 2, 3, nn.ConvSpec{Kernel: 2, Padding: 1, Dilation: 2}), nn.LeakyReLU(0.2),
		nn.NewConvTranspose2d(rng, 3, 2, nn.ConvSpec{Kernel: 3, Stride: 2, OutputPadding: 1, NoBias: true}), nn.Flatten(),
		nn.NewLinear(rng, 2*8*8, 4, false), bn, nn.Softplus(), nn.NewDropout(rng, 0.5), nn.NewLayerNorm(4), nn.ReLU(), nn.Identity())
	nn.SetTraining(layers, false)

	var nets []exported
	add := func(prefix string, ns []train.Network) {
		for _, n := range ns {
			nets = append(nets, exported{prefix + "_" + n.Name, n})
		}
	}
	add("ebm", energyNet.Networks())
	add("ebm_quadratic", quadraticNet.Networks())
	add("ae_mlp", mlpAE.Networks())
	add("vae_conv", convVAE.Networks())
	add("vae_mlp", mlpVAE.Networks())
	for _, task := range []string{"reverse", "text"} {
		cfg := attention.DefaultConfig()
		cfg.Task, cfg.Length, cfg.Vocab, cfg.DModel, cfg.FF, cfg.Layers, cfg.NormFirst = task, 5, 4, 8, 6, 2, task == "text"
		add("transformer_"+task, attention.NewTransformer(cfg).Networks())
	}
	add("layers", []train.Network{{Name: "net", In: "x", Out: "y", Input: []int{18}, Layers: []nn.Child{{Module: layers}}}})
	add("quadratic", []train.Network{{Name: "net", In: "x", Out: "y", Input: []int{3}, Layers: []nn.Child{{Module: &nn.Quadratic{Scale: 0.5}}}}})
	return nets
}

// TestGolden checks that the export of each tiny network is the same,
// byte for byte, as the file in testdata: the export is deterministic,
// and a change to it shows. Run with -update to rewrite the files after
// a change meant to alter them (a new version of gibbs does: it is in
// each file).
func TestGolden(t *testing.T) {
	for _, e := range networks() {
		t.Run(e.name, func(t *testing.T) {
			got, err := onnx.Marshal(e.net, "test model "+e.name)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := onnx.Marshal(e.net, "test model "+e.name)
			if !bytes.Equal(got, again) {
				t.Fatal("two exports of the same network differ")
			}
			path := filepath.Join("testdata", e.name+".onnx")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("export differs from %s (%d bytes, want %d); go test ./onnx -update rewrites it if the change is meant", path, len(got), len(want))
			}
		})
	}
}

func TestCannotExport(t *testing.T) {
	for _, c := range []struct {
		layer nn.Layer
		want  string
	}{
		{nn.NewSequential(nn.ReLU(), nn.NewMaxPool2d(2, 2, 0)), "onnx: layer net.1.*nn.MaxPool2d has no ONNX form here"},
		{nn.NewSequential(nn.Flatten(), nn.NewBatchNorm1d(16)), "onnx: layer net.1.*nn.BatchNorm is in training mode; switch the model to evaluation (nn.SetTraining(m, false)) before exporting it"},
	} {
		net := train.Network{Name: "net", In: "x", Out: "y", Input: []int{1, 4, 4}, Layers: []nn.Child{{Name: "net", Module: c.layer}}}
		if _, err := onnx.Marshal(net, ""); err == nil || err.Error() != c.want {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// TestChecker runs the onnx package's checker, with its full check (shape
// inference included), on every golden file. It needs Python with onnx
// (Debian: apt-get install python3-onnx), named by GIBBS_PYTHON.
func TestChecker(t *testing.T) {
	python := os.Getenv("GIBBS_PYTHON")
	if python == "" {
		t.Skip("set GIBBS_PYTHON=/usr/bin/python3 (with the onnx package) to run onnx.checker on the exported files")
	}
	args := []string{filepath.Join("..", "scripts", "onnx_check.py")}
	for _, e := range networks() {
		args = append(args, filepath.Join("testdata", e.name+".onnx"))
	}
	out, err := exec.Command(python, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	t.Logf("%s", out)
}

// TestRuntime runs each exported network in ONNX Runtime on random inputs
// and compares its outputs with gibbs's: they agree within 1e-5 relative. It needs node (GIBBS_NODE) and
// the npm package onnxruntime-node where node finds it (NODE_PATH).
func TestRuntime(t *testing.T) {
	node := os.Getenv("GIBBS_NODE")
	if node == "" {
		t.Skip("set GIBBS_NODE=/usr/bin/node and NODE_PATH to a node_modules holding onnxruntime-node to run the exported files in ONNX Runtime")
	}
	script, err := filepath.Abs(filepath.Join("..", "scripts", "onnx_run.js"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rng := tensor.NewRNG(11)
	for _, e := range networks() {
		t.Run(e.name, func(t *testing.T) {
			x := tensor.Randn(rng, append([]int{5}, e.net.Input...)...)
			if emb, ok := e.net.Layers[0].Module.(*nn.Embedding); ok {
				ids := tensor.Uniform(rng, 0, float32(emb.Weight.Size(0)), x.Shape()...).Data()
				for i, v := range ids {
					ids[i] = float32(int(v))
				}
				x = tensor.New(ids, x.Shape()...)
			}
			want := x
			for _, c := range e.net.Layers {
				want = c.Module.(nn.Layer).Forward(want)
			}
			want = want.DetachRelease()
			if e.net.PerSample {
				want = want.Reshape(-1)
			}
			in := filepath.Join(dir, e.name+".json")
			b, _ := json.Marshal(map[string]any{"name": e.net.In, "shape": x.Shape(), "data": x.Data()})
			if err := os.WriteFile(in, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(node, script, filepath.Join("testdata", e.name+".onnx"), in).Output()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			var got struct {
				Name  string
				Shape []int
				Data  []float32
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if got.Name != e.net.Out || !equalInts(got.Shape, want.Shape()) {
				t.Fatalf("output %s of shape %v, want %s of shape %v", got.Name, got.Shape, e.net.Out, want.Shape())
			}
			// Each difference is relative to its value, or to the outputs'
			// root mean square where the value is smaller: a value that
			// sums terms to near zero keeps their float32 rounding.
			rms := 0.0
			for _, w := range want.Data() {
				rms += float64(w) * float64(w)
			}
			rms = math.Sqrt(rms / float64(want.Len()))
			worst := 0.0
			for i, w := range want.Data() {
				worst = max(worst, math.Abs(float64(got.Data[i])-float64(w))/max(math.Abs(float64(w)), rms))
			}
			if worst > 1e-5 {
				t.Errorf("largest relative difference %.3g from gibbs's outputs, want at most 1e-5", worst)
			}
			t.Logf("largest relative difference %.3g over %d outputs", worst, want.Len())
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestWeightNames checks that the initializers carry the checkpoint's
// names of the weights.
func TestWeightNames(t *testing.T) {
	cfg := attention.DefaultConfig()
	cfg.Length, cfg.Vocab, cfg.DModel, cfg.FF = 3, 4, 4, 4
	m := attention.NewTransformer(cfg)
	b, err := onnx.Marshal(m.Networks()[0], "")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		if !bytes.Contains(b, []byte(p.Name)) {
			t.Errorf("no initializer named %s", p.Name)
		}
	}
}
