package rundir

import (
	"os"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

func TestOpen(t *testing.T) {
	path := t.TempDir() + "/run"
	if _, err := Open(path, true); err == nil || !strings.Contains(err.Error(), "cannot resume") {
		t.Errorf("resume of an empty folder: %v", err)
	}
	d, err := Open(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(d.File(CheckpointFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, false); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("new run over an old one: %v", err)
	}
	if _, err := Open(path, true); err != nil {
		t.Errorf("resume: %v", err)
	}
}

func TestConfigAndMetrics(t *testing.T) {
	d, err := Open(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	type cfg struct{ A int }
	if err := d.WriteConfig(cfg{7}); err != nil {
		t.Fatal(err)
	}
	var got cfg
	if err := d.ReadConfig(&got); err != nil || got.A != 7 {
		t.Fatalf("config %+v, %v", got, err)
	}
	os.WriteFile(d.File(ConfigFile), []byte(`{"A": 1, "B": 2}`), 0o644)
	if err := d.ReadConfig(&got); err == nil {
		t.Error("unknown config field accepted")
	}
	for step := 1; step <= 5; step++ {
		if err := d.AppendMetrics(map[string]any{"step": step}); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := os.OpenFile(d.File(MetricsFile), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"step": 6, "lo`) // a line torn by a kill
	f.Close()
	if err := d.TrimMetrics(3); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(d.File(MetricsFile))
	if string(b) != "{\"step\":1}\n{\"step\":2}\n{\"step\":3}\n" {
		t.Errorf("trimmed metrics %q", b)
	}
	// A file holding only a torn line is emptied, so that the next line
	// does not continue it.
	os.WriteFile(d.File(MetricsFile), []byte(`{"step": 1, "lo`), 0o644)
	if err := d.TrimMetrics(0); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(d.File(MetricsFile)); len(b) != 0 {
		t.Errorf("torn-only metrics kept as %q", b)
	}
	d.AppendMetrics(map[string]any{"step": 4, "loss": 0.5})
	d.AppendMetrics(map[string]any{"step": 5, "nll": 2})
	d.AppendMetrics(map[string]any{"step": 6, "loss": 0.25})
	steps, losses, err := d.Series("loss")
	if err != nil || len(steps) != 2 || steps[1] != 6 || losses[0] != 0.5 || losses[1] != 0.25 {
		t.Errorf("Series: %v %v %v", steps, losses, err)
	}
}

func TestSaveLoadState(t *testing.T) {
	d, err := Open(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	build := func(seed uint64) State {
		m := nn.NewSequential(nn.NewLinear(tensor.NewRNG(seed), 3, 2, true))
		opt, err := optim.NewAdam(nn.Tensors(m), optim.DefaultAdamConfig())
		if err != nil {
			t.Fatal(err)
		}
		return State{Model: m, Opt: opt, RNG: tensor.NewRNG(seed), Extra: map[string]*tensor.Tensor{"buf": tensor.Zeros(4)}}
	}
	a := build(1)
	// One optimizer step so that it has state.
	loss := a.Model.(nn.Layer).Forward(tensor.Ones(1, 3)).Sum()
	loss.Backward()
	a.Opt.Step()
	a.RNG.Uint64()
	a.Extra["buf"].Data()[2] = 5
	a.Step, a.Config, a.Meta = 17, map[string]int{"x": 1}, map[string]string{"note": "hi"}
	if err := d.Save(a); err != nil {
		t.Fatal(err)
	}
	b := build(2)
	if err := d.Load(&b); err != nil {
		t.Fatal(err)
	}
	if b.Step != 17 || b.Meta["note"] != "hi" || b.Meta["config"] != `{"x":1}` {
		t.Errorf("step %d meta %v", b.Step, b.Meta)
	}
	if b.RNG.Uint64() != a.RNG.Uint64() {
		t.Error("RNG state not restored")
	}
	if b.Extra["buf"].Data()[2] != 5 {
		t.Error("extra tensor not restored")
	}
	for name, want := range nn.StateDict(a.Model) {
		got := nn.StateDict(b.Model)[name]
		for i := range want.Data() {
			if got.Data()[i] != want.Data()[i] {
				t.Fatalf("%s differs after load", name)
			}
		}
	}
	if len(b.Opt.State()) != len(a.Opt.State()) {
		t.Error("optimizer state not restored")
	}
	// A checkpoint of another model is refused.
	other := State{Model: nn.NewLinear(tensor.NewRNG(1), 5, 5, true)}
	if err := d.Load(&other); err == nil {
		t.Error("checkpoint loaded into a different model")
	}
}
