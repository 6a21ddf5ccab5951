package energy

import (
	"encoding/json"
	"math"
)

// DualAveraging tunes the step size of a Metropolis sampler (HMC) so that
// its mean acceptance probability approaches Target, by the dual averaging
// of Hoffman & Gelman (2014, "The No-U-Turn Sampler", section 3.2.1): after
// the m-th of WarmUp updates with acceptance probability a_m,
//
//	Hbar_m     = (1 - 1/(m+t0)) Hbar_{m-1} + (Target - a_m)/(m+t0)
//	log eps_m  = mu - sqrt(m)/gamma Hbar_m,   mu = log(10 eps_0)
//	log ebar_m = m^-kappa log eps_m + (1 - m^-kappa) log ebar_{m-1}
//
// with gamma 0.05, t0 10 and kappa 0.75, their suggested constants. During
// warm-up the sampler steps by eps_m; afterwards by the averaged ebar,
// which no longer changes. Its state goes into checkpoints as text.
type DualAveraging struct {
	Target float64 `json:"target"`  // acceptance probability aimed at; Hoffman & Gelman use 0.65 for HMC
	WarmUp int     `json:"warm_up"` // updates that adapt the step
	Mu     float64 `json:"mu"`
	// Count is the number of updates so far; HBar, LogStep and LogStepBar
	// are Hbar_m, log eps_m and log ebar_m.
	Count      int     `json:"count"`
	HBar       float64 `json:"hbar"`
	LogStep    float64 `json:"log_step"`
	LogStepBar float64 `json:"log_step_bar"`
}

// Constants of the dual averaging, as Hoffman & Gelman suggest.
const (
	dualGamma = 0.05
	dualT0    = 10
	dualKappa = 0.75
)

// NewDualAveraging starts the adaptation of a step from step0, for warmUp
// updates towards the acceptance probability target.
func NewDualAveraging(step0, target float64, warmUp int) *DualAveraging {
	return &DualAveraging{Target: target, WarmUp: warmUp, Mu: math.Log(10 * step0), LogStep: math.Log(step0)}
}

// Step returns the step to use now: the adapting one during warm-up, the
// averaged one after.
func (d *DualAveraging) Step() float32 {
	if d.Count < d.WarmUp {
		return float32(math.Exp(d.LogStep))
	}
	return float32(math.Exp(d.LogStepBar))
}

// Update takes the mean acceptance probability of the last proposals
// made with Step; after warm-up it does nothing.
func (d *DualAveraging) Update(accept float64) {
	if d.Count >= d.WarmUp {
		return
	}
	if math.IsNaN(accept) {
		accept = 0
	}
	d.Count++
	m := float64(d.Count)
	d.HBar = (1-1/(m+dualT0))*d.HBar + (d.Target-accept)/(m+dualT0)
	d.LogStep = d.Mu - math.Sqrt(m)/dualGamma*d.HBar
	w := math.Pow(m, -dualKappa)
	d.LogStepBar = w*d.LogStep + (1-w)*d.LogStepBar
}

// MarshalText encodes the state exactly (JSON numbers round-trip float64).
func (d *DualAveraging) MarshalText() ([]byte, error) {
	type fields DualAveraging
	return json.Marshal((*fields)(d))
}

// UnmarshalText restores a state written by MarshalText.
func (d *DualAveraging) UnmarshalText(b []byte) error {
	type fields DualAveraging
	return json.Unmarshal(b, (*fields)(d))
}
