package energy

import (
	"math"
	"strings"
	"testing"
)

func TestAUROC(t *testing.T) {
	for _, c := range []struct {
		name      string
		scores    []float64
		anomalous []bool
		want      float64
	}{
		{"perfect", []float64{0.1, 0.2, 0.9, 1.5}, []bool{false, false, true, true}, 1},
		{"reversed", []float64{3, 2, 1, 0}, []bool{false, false, true, true}, 0},
		{"all tied", []float64{5, 5, 5, 5, 5}, []bool{true, false, true, false, false}, 0.5},
		// Anomalies {2, 3} against normals {1, 2, 4}: 2 wins against 1,
		// ties with 2 and loses to 4 (1.5); 3 wins twice (2): 3.5 of 6 pairs.
		{"tie across classes", []float64{1, 2, 2, 3, 4}, []bool{false, true, false, true, false}, 3.5 / 6},
		{"one of each", []float64{-1, -2}, []bool{true, false}, 1},
		{"infinite scores", []float64{math.Inf(-1), 0, math.Inf(1), math.Inf(1)}, []bool{false, true, true, false}, 2.5 / 4},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := AUROC(c.scores, c.anomalous)
			if err != nil || math.Abs(got-c.want) > 1e-12 {
				t.Errorf("AUROC = %v, %v, want %v", got, err, c.want)
			}
			if brute := pairwiseAUROC(c.scores, c.anomalous); math.Abs(got-brute) > 1e-12 {
				t.Errorf("AUROC = %v, counting pairs gives %v", got, brute)
			}
		})
	}
}

// pairwiseAUROC counts the (anomaly, normal) pairs the anomaly wins, ties
// counting one half.
func pairwiseAUROC(scores []float64, anomalous []bool) float64 {
	var wins, pairs float64
	for i, a := range scores {
		for j, n := range scores {
			if !anomalous[i] || anomalous[j] {
				continue
			}
			pairs++
			switch {
			case a > n:
				wins++
			case a == n:
				wins += 0.5
			}
		}
	}
	return wins / pairs
}

func TestAUROCErrors(t *testing.T) {
	for _, c := range []struct {
		name      string
		scores    []float64
		anomalous []bool
		want      string
	}{
		{"lengths", []float64{1, 2}, []bool{true}, "2 scores against 1 labels"},
		{"nan", []float64{1, math.NaN()}, []bool{true, false}, "score 1 is NaN"},
		{"no anomalies", []float64{1, 2}, []bool{false, false}, "got 2 and 0"},
		{"no normals", []float64{1}, []bool{true}, "got 0 and 1"},
		{"empty", nil, nil, "got 0 and 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := AUROC(c.scores, c.anomalous); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}
