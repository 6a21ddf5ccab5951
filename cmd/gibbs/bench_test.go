package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBenchBadInput(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--only", "mlp_ae,resnet"}, `unknown bench "resnet"; choose from sgemm,mlp_ae`},
		{[]string{"--threads", "-1"}, "--threads -1: want 0 or more"},
		{[]string{"--repeats", "0"}, "--repeats 0: want at least 1"},
		{[]string{"--min-time", "0"}, "--min-time 0: want a positive number"},
		{[]string{"--warmup", "-2"}, "--warmup -2: want 0 or more"},
		{[]string{"--data", "mnist"}, `--data "mnist": want auto, fashion-mnist or random`},
		{[]string{"--repeatz", "3"}, "flag provided but not defined: -repeatz"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			status, _, errOut := runCLI(append([]string{"bench"}, c.args...)...)
			if status != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
				t.Errorf("status %d, stderr %q; want 2 and one line with %q", status, errOut, c.want)
			}
		})
	}
}

// TestBenchLines runs one short workload and checks its JSON line and the
// env line after it.
func TestBenchLines(t *testing.T) {
	status, out, errOut := runCLI("bench", "--only", "mlp_ae", "--repeats", "2", "--min-time", "0.01", "--warmup", "0", "--data", "random")
	if status != 0 {
		t.Fatalf("status %d, stderr %q", status, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), out)
	}
	var res, env map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &res); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &env); err != nil {
		t.Fatal(err)
	}
	if res["bench"] != "mlp_ae" || res["unit"] != "samples/s" || res["repeats"] != 2.0 || !(res["value"].(float64) > 0) {
		t.Errorf("result line %s", lines[0])
	}
	if env["bench"] != "env" || env["data"] != "random" || !(env["peak_rss_mib"].(float64) > 0) {
		t.Errorf("env line %s", lines[1])
	}
}
