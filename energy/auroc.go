package energy

import (
	"fmt"
	"math"
	"slices"
)

// AUROC returns the area under the ROC curve of anomaly scores (energies:
// higher means more anomalous) against the truth, anomalous[i] telling
// whether sample i is an anomaly. It is the probability that a random
// anomaly scores above a random normal sample, ties counting one half:
// the Mann-Whitney U statistic of the anomalies' ranks, with tied scores
// given the mean of their ranks, divided by the number of
// (anomaly, normal) pairs. 1 separates the two perfectly, 0.5 is chance.
// It is an error for the slices to differ in length, for a score to be
// NaN, or for either class to be empty.
func AUROC(scores []float64, anomalous []bool) (float64, error) {
	if len(scores) != len(anomalous) {
		return 0, fmt.Errorf("energy: AUROC of %d scores against %d labels", len(scores), len(anomalous))
	}
	order := make([]int, len(scores))
	for i := range order {
		if math.IsNaN(scores[i]) {
			return 0, fmt.Errorf("energy: AUROC: score %d is NaN", i)
		}
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(scores[a], scores[b]) })
	var rankSum float64 // sum of the anomalies' ranks, counted from 1
	var anomalies int
	for lo := 0; lo < len(order); {
		hi := lo + 1
		for hi < len(order) && scores[order[hi]] == scores[order[lo]] {
			hi++
		}
		rank := float64(lo+hi+1) / 2 // the mean of ranks lo+1 .. hi
		for _, i := range order[lo:hi] {
			if anomalous[i] {
				rankSum += rank
				anomalies++
			}
		}
		lo = hi
	}
	normals := len(scores) - anomalies
	if anomalies == 0 || normals == 0 {
		return 0, fmt.Errorf("energy: AUROC needs normal samples and anomalies, got %d and %d", normals, anomalies)
	}
	u := rankSum - float64(anomalies)*float64(anomalies+1)/2
	return u / (float64(anomalies) * float64(normals)), nil
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
