package ebm

import (
	"fmt"
	"math"
	"slices"
)

// Recipe returns the defaults of training on the data set with the given
// loss (or score matching objective) and sampler: DefaultConfig, with the
// settings that this choice needs changed. A user's explicit settings go
// on top of it. Unknown names are left for Validate to report.
//
//   - dsm, ssm: 4000 steps of noise-conditional score matching over 10
//     levels from 2 (which merges the modes) down to 0.01 (Song & Ermon
//     2019); samples come from annealed Langevin dynamics, 50 steps per
//     level with step 2e-5 at the smallest (alpha_i/sigma_i^2 = 0.2 at
//     every level).
//   - langevin: short-run chains from uniform noise, as Nijkamp et al.
//     2019 run them: a fixed budget of 40 steps at temperature 1 for each
//     batch, over 1000 training steps.
//   - hmc: 5 iterations of 5 leapfrog steps from the data for each batch,
//     the step adapted to an acceptance of 0.65 over the first 100 of 1000
//     training steps.
//   - grid25 with the replay sampler and a contrastive loss: the network
//     reads the quadratic features of the points at scale 3 (nn.Quadratic:
//     x, y, 3x^2, 3y^2, 3xy), and the chains take 13 Langevin steps of
//     0.0003 a batch (noise sqrt(0.0006)) where ring8's take 10 of
//     0.0005. The point network does not reach grid25's density, even
//     trained by maximum likelihood with no sampler: its wells come out
//     elliptical where the data's are round. With the quadratic
//     features a first-layer unit draws an ellipse where it drew a line,
//     and the smaller step narrows the wells less (unadjusted Langevin's
//     excess variance). ring8 keeps the point network, with which these
//     features were unstable. The measurements are in docs/ENERGY.md,
//     "Where the gap lies".
func Recipe(data, loss, sampler string) Config {
	c := DefaultConfig()
	c.Data, c.Loss, c.Sampler = data, loss, sampler
	if _, score := scoreObjectives[loss]; score {
		c.Steps, c.LangevinSteps, c.StepSize = 4000, 50, 2e-5
		return c
	}
	switch sampler {
	case "langevin":
		c.Steps, c.LangevinSteps = 1000, 40
	case "hmc":
		c.Steps, c.LangevinSteps = 1000, 5
	case "replay":
		if data == "grid25" {
			c.Features, c.FeatureScale = "quadratic", 3
			c.LangevinSteps, c.StepSize, c.Noise = 13, 0.0003, math.Sqrt(2*0.0003)
		}
	}
	return c
}

// refusals are the losses of LeCun et al. 2006's table that cannot shape
// an energy from sampled negatives, with the reason and what to use.
var refusals = map[string]string{
	"energy": "the energy loss has no contrastive term: it only pushes the data's energy down, and a network's energy then falls everywhere " +
		"until it diverges (LeCun et al. 2006, section 2.2: it suits only architectures that cannot give low energy elsewhere); use nll",
	"perceptron": "the perceptron loss max(0, E - Ebar) has no margin: it stops as soon as each negative's energy is above its data point's, " +
		"which a nearly flat surface satisfies, so the samples spread over the box (LeCun et al. 2006, section 2.2); " +
		"use nll, whose E - Ebar over samples of the model is the likelihood's gradient",
	"lvq2": "the LVQ2 loss assumes positive energies (it divides by Ebar) and has no margin: clamped to [0, 1], its gradient vanishes " +
		"once a negative is above the data, and the surface stays flat (LeCun et al. 2006, table 1); use nll",
}

// marginLosses are the losses of LeCun et al.'s table that push the
// data's energy below a negative's by a margin, or the negative's up to
// one: made for a finite answer set, where the negative is the most
// offending wrong answer (ebm/label uses them so), they are refused here.
var marginLosses = []string{"hinge", "log", "square-square", "square-exp"}

// refusal returns the setting and the reason for which the CLI refuses
// the config's choice of loss and sampler, with what to use instead; ""
// when it accepts it. Names must be known.
func (c Config) refusal() (setting, why string) {
	if why, ok := refusals[c.Loss]; ok {
		return "loss", why
	}
	switch {
	case !c.contrastive():
		return "", ""
	case slices.Contains(marginLosses, c.Loss):
		return "loss", fmt.Sprintf("the %s loss is not a density estimator with negatives sampled from the model: when the "+
			"samples match the data its pushes on both do not cancel, so it stops away from the data's density, and on ring8 "+
			"no sampler brought 90%% of its samples near a mode (docs/ENERGY.md); it is a margin loss, made for a finite set "+
			"of answers whose most offending wrong answer it pushes up (LeCun et al. 2006, section 2.2), as gibbs train ebm "+
			"--target label uses it; use nll", c.Loss)
	case c.Sampler == "cd":
		return "sampler", "CD-k chains start at the data and see only its neighbourhood: the low energy the model puts between " +
			"the modes is never sampled, so never raised, and the samples form a ring through ring8's modes (34% near a mode " +
			"after 3000 steps, docs/ENERGY.md; Carreira-Perpinan & Hinton 2005 on CD's bias); use --sampler replay, whose " +
			"persistent chains (Tieleman 2008) find it"
	case (c.Loss == "mce" || c.Loss == "mee") && c.Sampler != "replay":
		return "sampler", fmt.Sprintf("the %s loss does not learn ring8 with the %s sampler: sigmoid(E - Ebar) gives no "+
			"gradient to pairs far apart in energy, and with these negatives it left a mode uncovered or fewer than 90%% of "+
			"the samples near one (docs/ENERGY.md); use --sampler replay, or --loss nll", c.Loss, c.Sampler)
	}
	return "", ""
}

// Caveat returns a warning for a choice the CLI accepts, each of which
// learned ring8 (every mode, 90% of the samples within 3 std of one) in
// the runs of docs/ENERGY.md, but that did not learn grid25 there, or
// whose energy is not the data's density, with the reason and what to use
// instead; "" for the others.
func (c Config) Caveat() string {
	switch {
	case c.Loss == "ssm":
		return "sliced score matching estimates the divergence of the score from one random projection a sample, a noisy " +
			"estimate that the narrow wells of grid25 make noisier: there its annealed samples gathered on some of the " +
			"modes (25.7% near a mode after 4000 steps, against 97.6% on ring8, docs/ENERGY.md); use --loss dsm"
	case !c.contrastive():
		return ""
	case c.Sampler == "langevin":
		return "short-run chains of a fixed number of steps from noise are what this energy is trained for, not exp(-F): " +
			"its test NLL is far from the data's (Nijkamp et al. 2019 say so of short-run models), and where the modes are " +
			"as narrow as grid25's the chains do not reach the bottoms of the wells, so the data's energy falls without " +
			"bound (grid25 diverged at step 734); use --sampler replay for a density"
	case c.Loss == "mce" || c.Loss == "mee":
		return fmt.Sprintf("the %s loss, sigmoid(E - Ebar) for a pair, stops where the model's samples match the data, "+
			"but it gives no gradient to pairs far apart in energy, so nothing holds the energies' level and they can drift "+
			"(grid25 diverged at step 1174 of 3000, docs/ENERGY.md); use --loss nll", c.Loss)
	case c.Sampler == "hmc":
		return "HMC chains start at the data, like CD-k's, and 5 short trajectories a batch reach only the low energy near " +
			"it: enough on ring8 (91.6% of the samples near a mode), not on grid25, where the channels between its 25 wells " +
			"stay low (18.5%, docs/ENERGY.md); use --sampler replay"
	}
	return ""
}
