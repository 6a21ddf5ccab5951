package energy

// Acceptance counts the Metropolis decisions of a sampler (HMC, Jump). A
// run that resumes from a checkpoint restores the counts so that it
// reports the same acceptance rate as an uninterrupted one.
type Acceptance struct {
	Accepted, Proposed int
}

// AcceptanceRate returns the fraction of proposals accepted so far.
func (a *Acceptance) AcceptanceRate() float64 {
	if a.Proposed == 0 {
		return 0
	}
	return float64(a.Accepted) / float64(a.Proposed)
}

// record counts one decision.
func (a *Acceptance) record(accepted bool) {
	a.Proposed++
	if accepted {
		a.Accepted++
	}
}
