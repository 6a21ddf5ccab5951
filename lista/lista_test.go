package lista

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/train"
)

// trainIn trains cfg in a new run folder at path.
func trainIn(t *testing.T, path string, cfg Config) *Comparison {
	t.Helper()
	dir, err := train.OpenDir(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	c, err := Train(context.Background(), dir, cfg, train.Output{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// smallConfig is a 2x overcomplete problem with short training.
func smallConfig() Config {
	c := DefaultConfig()
	c.Dz, c.Train, c.Test, c.MaxDepth, c.FISTAIters, c.TargetIters, c.Steps, c.Batch = 32, 1000, 300, 3, 10, 500, 300, 64
	return c
}

func TestLISTABeatsISTA(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run")
	c := trainIn(t, path, smallConfig())
	for _, p := range c.Points {
		t.Logf("T=%d: ISTA %.4f  FISTA %.4f  LISTA %.4f (= FISTA after %d iterations)", p.Depth, p.ISTA, p.FISTA, p.LISTA, p.FISTAEquiv)
		if !(p.LISTA < 0.5*p.ISTA) {
			t.Errorf("depth %d: LISTA code error %v, want below half of ISTA's %v", p.Depth, p.LISTA, p.ISTA)
		}
		if p.FISTAEquiv <= p.Depth {
			t.Errorf("depth %d: LISTA only as good as %d FISTA iterations", p.Depth, p.FISTAEquiv)
		}
	}
	if c.Match != 0 && c.Points[c.Match-1].LISTA > c.FISTAError {
		t.Errorf("match at depth %d, whose error %v is above FISTA's %v", c.Match, c.Points[c.Match-1].LISTA, c.FISTAError)
	}
	// The opened run encodes as the trained encoders did.
	m, err := train.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	lm, ok := m.(*Model)
	if !ok || lm.Kind() != Kind || len(lm.Encoders) != 3 || lm.Step != 900 {
		t.Fatalf("opened %T %+v", m, m)
	}
	r, err := newRun(smallConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r.model = lm
	if p := r.point(3); !reflect.DeepEqual(p, c.Points[2]) {
		t.Errorf("opened encoder of depth 3: %+v, trained %+v", p, c.Points[2])
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.MaxDepth = 0 }, "depth: must be positive"},
		{func(c *Config) { c.Sparsity = 100 }, "sparsity: must be in [0, dz=64]"},
		{func(c *Config) { c.Lambda = 0 }, "lambda: must be positive"},
		{func(c *Config) { c.TargetIters = 10 }, "target-iters: must be at least"},
	} {
		cfg := DefaultConfig()
		c.change(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Error(err)
	}
}

// TestLISTASweepReport prints the comparison of Gregor & LeCun (2010) for
// the default 4x overcomplete dictionary, as in their experiments.
func TestLISTASweepReport(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to run the LISTA vs ISTA/FISTA sweep (about a minute)")
	}
	cfg := DefaultConfig()
	c := trainIn(t, filepath.Join(t.TempDir(), "run"), cfg)
	fmt.Printf("dy=%d dz=%d lambda=%v: relative code error on %d test signals (z* = FISTA after %d iterations)\n", cfg.Dy, cfg.Dz, cfg.Lambda, cfg.Test, cfg.TargetIters)
	fmt.Println("T  ISTA(T)  FISTA(T)  LISTA(T)  FISTA iterations matching LISTA(T)")
	for _, p := range c.Points {
		fmt.Printf("%d  %.4f   %.4f    %.4f    %d\n", p.Depth, p.ISTA, p.FISTA, p.LISTA, p.FISTAEquiv)
	}
	fmt.Printf("FISTA after %d iterations: %.4f; smallest LISTA depth matching it: %d\n", c.FISTAIters, c.FISTAError, c.Match)
	if c.Match == 0 {
		t.Errorf("no LISTA depth up to %d matches %d FISTA iterations", cfg.MaxDepth, cfg.FISTAIters)
	}
}
