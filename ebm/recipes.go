package ebm

import (
	"math"
)

// Recipe returns the defaults of training with the given loss (or score
// matching objective) and sampler: DefaultConfig, with the settings that
// this choice needs changed. A user's explicit settings go on top of it.
// Unknown names are left for Validate to report.
//
//   - dsm, ssm: noise-conditional score matching over 10 levels from 2
//     (which merges the modes) down to 0.01 (Song & Ermon 2019); samples
//     come from annealed Langevin dynamics, 50 steps per level with step
//     2e-5 at the smallest (alpha_i/sigma_i^2 = 0.2 at every level).
//   - langevin: short-run chains from uniform noise, as Nijkamp et al.
//     2019 run them: a fixed budget of 40 steps, large enough (step 0.005)
//     to reach the modes from anywhere in the box, at temperature 1.
//   - cd: CD-k from the data (Hinton 2002) with k = 40 steps of 0.005,
//     long enough for chains to leave their mode and find the low energy
//     that the model puts where there is no data.
//   - hmc: 5 iterations of 5 leapfrog steps from the data, the step
//     adapted to an acceptance of 0.65 over the first 100 training steps.
func Recipe(loss, sampler string) Config {
	c := DefaultConfig()
	c.Loss, c.Sampler = loss, sampler
	if _, score := scoreObjectives[loss]; score {
		c.Steps, c.LangevinSteps, c.StepSize = 2000, 50, 2e-5
		return c
	}
	switch sampler {
	case "langevin":
		c.LangevinSteps, c.StepSize = 40, 0.005
	case "cd":
		c.LangevinSteps, c.StepSize = 40, 0.005
	case "hmc":
		c.LangevinSteps = 5
	}
	c.Noise = math.Sqrt(2 * c.StepSize)
	return c
}
