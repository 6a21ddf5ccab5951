package train

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"testing"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

func TestHeaderAndMetrics(t *testing.T) {
	d, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	type cfg struct{ A int }
	h, err := NewHeader("toy", cfg{7})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteHeader(h); err != nil {
		t.Fatal(err)
	}
	back, err := ReadHeader(d.Path)
	if err != nil || back.Kind != "toy" || back.Version != Version {
		t.Fatalf("header %+v, %v", back, err)
	}
	var got cfg
	if err := back.DecodeConfig(&got); err != nil || got.A != 7 {
		t.Fatalf("config %+v, %v", got, err)
	}
	back.Config = []byte(`{"A": 1, "B": 2}`)
	if err := back.DecodeConfig(&got); err == nil {
		t.Error("unknown config field accepted")
	}
	if _, err := ReadHeader(t.TempDir()); !errors.Is(err, ErrNoRun) {
		t.Errorf("header of an empty folder: %v", err)
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
	log, err := d.Metrics()
	steps, losses := log.Series("loss")
	if err != nil || len(steps) != 2 || steps[1] != 6 || losses[0] != 0.5 || losses[1] != 0.25 {
		t.Errorf("Series: %v %v %v", steps, losses, err)
	}
}

// parts of a small model: a linear layer, Adam, an RNG, a buffer and a
// counter.
type toyParts struct {
	model *nn.Linear
	opt   *optim.Adam
	rng   *tensor.RNG
	buf   *tensor.Tensor
	count int
	text  big.Int // a value kept as text
}

func newToyParts(t *testing.T, seed uint64) *toyParts {
	m := nn.NewLinear(tensor.NewRNG(seed), 3, 2, true)
	opt, err := optim.NewAdam(nn.Tensors(m), optim.DefaultAdamConfig())
	if err != nil {
		t.Fatal(err)
	}
	return &toyParts{model: m, opt: opt, rng: tensor.NewRNG(seed), buf: tensor.Zeros(4)}
}

func (p *toyParts) list() []Stateful {
	return []Stateful{Module("", p.model), Optimizer("", p.opt), RNG("rng", p.rng), Buffer("buf", p.buf), Counter("count", &p.count), Text("text", &p.text)}
}

func TestSaveLoadCheckpoint(t *testing.T) {
	path := t.TempDir() + "/" + CheckpointFile
	a := newToyParts(t, 1)
	// One optimizer step so that it has state.
	if _, err := Step(a.opt, a.model.Forward(tensor.Ones(1, 3)).Sum()); err != nil {
		t.Fatal(err)
	}
	a.rng.Uint64()
	a.buf.Data()[2] = 5
	a.count = 9
	a.text.SetString("123456789012345678901234567890", 10)
	if err := SaveCheckpoint(path, 17, map[string]string{"note": "hi"}, a.list()...); err != nil {
		t.Fatal(err)
	}
	b := newToyParts(t, 2)
	step, err := LoadCheckpoint(path, b.list()...)
	if err != nil || step != 17 {
		t.Fatalf("step %d, %v", step, err)
	}
	if b.rng.Uint64() != a.rng.Uint64() {
		t.Error("RNG state not restored")
	}
	if b.buf.Data()[2] != 5 || b.count != 9 || b.text.Cmp(&a.text) != 0 {
		t.Error("buffer, counter or text not restored")
	}
	for name, want := range nn.StateDict(a.model) {
		got := nn.StateDict(b.model)[name]
		for i := range want.Data() {
			if got.Data()[i] != want.Data()[i] {
				t.Fatalf("%s differs after load", name)
			}
		}
	}
	if len(b.opt.State()) != len(a.opt.State()) {
		t.Error("optimizer state not restored")
	}
	// The weights alone load into a bare model; those of another model
	// are refused.
	if _, err := LoadCheckpoint(path, Module("", nn.NewLinear(tensor.NewRNG(1), 3, 2, true))); err != nil {
		t.Errorf("weights alone: %v", err)
	}
	if _, err := LoadCheckpoint(path, Module("", nn.NewLinear(tensor.NewRNG(1), 5, 5, true))); err == nil {
		t.Error("checkpoint loaded into a different model")
	}
}

func TestDirLock(t *testing.T) {
	path := t.TempDir()
	a, err := OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	// A second open in the same process conflicts, at once.
	if _, err := OpenDir(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := OpenDir(path)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	b.Close()
}

// TestLockAcrossProcesses holds a run folder in a child process (this test
// binary, re-run as TestLockHolder), checks that the folder is locked here,
// kills the child with SIGKILL and checks that the lock went with it.
func TestLockAcrossProcesses(t *testing.T) {
	path := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolder$")
	cmd.Env = append(os.Environ(), "GIBBS_LOCK_HOLDER="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, %v", line, err)
	}
	if _, err := OpenDir(path); !errors.Is(err, ErrLocked) {
		t.Errorf("open while the child holds the folder: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	d, err := OpenDir(path)
	if err != nil {
		t.Fatalf("open after the child was killed: %v", err)
	}
	d.Close()
}

// TestLockHolder is the child of TestLockAcrossProcesses: it holds the
// folder until its stdin closes.
func TestLockHolder(t *testing.T) {
	path := os.Getenv("GIBBS_LOCK_HOLDER")
	if path == "" {
		t.Skip("run by TestLockAcrossProcesses")
	}
	d, err := OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
}
