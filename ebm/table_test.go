//go:build unix

package ebm

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gibbsml/gibbs/train"
)

// tableRow is one recipe of the table of docs/ENERGY.md: a loss (or score
// objective) and a sampler on a data set, with the recipe's defaults
// except for a shorter run where steps is set.
type tableRow struct {
	data, loss, sampler string
	steps               int // 0: the recipe's
}

// command returns the gibbs command line of the row.
func (r tableRow) command() string {
	s := "gibbs train ebm --data " + r.data + " --loss " + r.loss
	if _, score := scoreObjectives[r.loss]; !score {
		s += " --sampler " + r.sampler
	}
	if r.steps > 0 {
		s += fmt.Sprintf(" --steps %d", r.steps)
	}
	return s
}

// tableRows lists the rows: on ring8 every loss of LeCun et al.'s table
// with every sampler, in runs of 1000 steps but for the NLL loss, and the
// score objectives; on grid25 every sampler with the NLL loss, the score
// objectives, and the other losses with the replay sampler.
func tableRows() []tableRow {
	losses := []string{"nll", "energy", "perceptron", "hinge", "log", "lvq2", "mce", "square-square", "square-exp"}
	var rows []tableRow
	for _, data := range []string{"ring8", "grid25"} {
		for _, loss := range losses {
			for _, s := range Samplers {
				steps := 1000
				if loss == "nll" {
					steps = 0
				} else if data == "grid25" && s != "replay" {
					continue
				}
				rows = append(rows, tableRow{data, loss, s, steps})
			}
		}
		for _, loss := range []string{"dsm", "ssm"} {
			rows = append(rows, tableRow{data, loss, DefaultConfig().Sampler, 0}) // the sampler does not apply
		}
	}
	return rows
}

// cpuSeconds returns the CPU time the process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// TestRecipeTable trains every row of tableRows and checks that each
// recipe the CLI accepts covers every mode of ring8 with at least 90% of
// its samples within 3 std of a mode, that one that diverges on grid25
// carries a warning (TestDefaultRecipeQuality bounds the default
// recipe's NLL).
// With GIBBS_TABLE=path it writes the table as Markdown there;
// GIBBS_TABLE_ROWS, a regular expression, keeps the rows whose command
// matches it.
func TestRecipeTable(t *testing.T) {
	if os.Getenv("GIBBS_LONG") == "" {
		t.Skip("set GIBBS_LONG=1 to train every recipe of docs/ENERGY.md's table (about 20 minutes of CPU)")
	}
	keep, err := regexp.Compile(os.Getenv("GIBBS_TABLE_ROWS"))
	if err != nil {
		t.Fatalf("GIBBS_TABLE_ROWS: %v", err)
	}
	var md strings.Builder
	md.WriteString("| data | loss | sampler | test NLL | true NLL | modes | high quality | reverse KL | CPU s | wall s | command |\n")
	md.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, row := range tableRows() {
		if !keep.MatchString(row.command()) {
			continue
		}
		cfg := Recipe(row.data, row.loss, row.sampler)
		if row.steps > 0 {
			cfg.Steps, cfg.EvalEvery = row.steps, row.steps
		}
		cfg.EvalEvery = cfg.Steps // one evaluation, at the end
		cfg.CheckpointEvery = cfg.Steps
		sampler := row.sampler
		if !cfg.contrastive() {
			sampler = "annealed Langevin"
		}
		if err := cfg.Validate(); err != nil {
			var se *train.SettingError
			if !errors.As(err, &se) {
				t.Fatalf("%s: %v", row.command(), err)
			}
			why, _, _ := strings.Cut(se.Problem, ":") // its first clause; the rest is in the docs
			fmt.Fprintf(&md, "| %s | %s | %s | refused: %s | | | | | | | `%s` |\n", row.data, row.loss, sampler, why, row.command())
			continue
		}
		cpu, start := cpuSeconds(), time.Now()
		res, err := trainIn(filepath.Join(t.TempDir(), "run"), cfg)
		cpu, wall := cpuSeconds()-cpu, time.Since(start).Seconds()
		if err != nil {
			var div *train.DivergedError
			if !errors.As(err, &div) {
				t.Fatalf("%s: %v", row.command(), err)
			}
			fmt.Fprintf(&md, "| %s | %s | %s | diverged at step %d | | | | | %.0f | %.0f | `%s` |\n", row.data, row.loss, sampler, div.Step, cpu, wall, row.command())
			if row.data == "ring8" || cfg.Caveat() == "" {
				t.Errorf("%s: %v", row.command(), err)
			}
			continue
		}
		m := res.Modes
		t.Logf("%s: test NLL %.3f, true %.3f, modes %d/%d, high quality %.3f, reverse KL %.3f, %.0f CPU s, %.0f s",
			row.command(), res.TestNLL, res.TrueNLL, m.Covered, m.Modes, m.HighQuality, m.ReverseKL, cpu, wall)
		fmt.Fprintf(&md, "| %s | %s | %s | %.3f | %.3f | %d/%d | %.1f%% | %.3f | %.0f | %.0f | `%s` |\n",
			row.data, row.loss, sampler, res.TestNLL, res.TrueNLL, m.Covered, m.Modes, 100*m.HighQuality, m.ReverseKL, cpu, wall, row.command())
		good := m.Covered == m.Modes && m.HighQuality >= 0.9
		if row.data == "ring8" && !good {
			t.Errorf("%s: %d/%d modes, %.1f%% high quality", row.command(), m.Covered, m.Modes, 100*m.HighQuality)
		}
	}
	if path := os.Getenv("GIBBS_TABLE"); path != "" {
		if err := os.WriteFile(path, []byte(md.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Log("\n" + md.String())
}
