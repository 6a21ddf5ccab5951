package energy

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/gibbsml/gibbs/tensor"
)

// Loss is a contrastive loss from the table of LeCun et al. 2006 (section
// 2.2 and table 1). E stands for the energy of the correct answer Y^i and
// Ebar for that of the most offending incorrect answer, the incorrect
// answer of lowest energy. A loss with a positive margin keeps pushing until
// Ebar exceeds E by some gap; one without stops as soon as they are in the
// right order, and can let the energy surface collapse flat.
type Loss interface {
	// Finite returns the mean loss over a batch whose energies over a
	// finite set of K answers are given ([N, K]), the correct answer of
	// row i being correct[i]. The most offending incorrect answer is
	// picked for each row.
	Finite(energies *tensor.Tensor, correct []int) *tensor.Tensor
	// Pair returns the mean loss for the energies of correct answers and of
	// one contrastive answer per sample (shape [N] each), for continuous y
	// where the offending answer comes from a sampler.
	Pair(e, ebar *tensor.Tensor) *tensor.Tensor
	// Margin describes the margin as in LeCun et al.'s table.
	Margin() string
}

// pairLoss is a Loss defined by a per-sample function of E and Ebar; its
// finite form uses the most offending incorrect answer.
type pairLoss struct {
	margin string
	f      func(e, ebar *tensor.Tensor) *tensor.Tensor
}

func (l pairLoss) Pair(e, ebar *tensor.Tensor) *tensor.Tensor { return l.f(e, ebar).Mean() }
func (l pairLoss) Margin() string                             { return l.margin }
func (l pairLoss) Finite(energies *tensor.Tensor, correct []int) *tensor.Tensor {
	e, ebar := Correct(energies, correct), MostOffending(energies, correct)
	return l.Pair(e, ebar)
}

// Correct returns the energy of each row's correct answer, shape [N].
func Correct(energies *tensor.Tensor, correct []int) *tensor.Tensor {
	return energies.Gather(1, indexColumn(energies, correct)).Reshape(-1)
}

// MostOffending returns, for each row of energies [N, K], the lowest energy
// among the incorrect answers (every column but correct[i]), shape [N].
// The gradient flows to that answer's energy.
func MostOffending(energies *tensor.Tensor, correct []int) *tensor.Tensor {
	n, k := energies.Size(0), energies.Size(1)
	if k < 2 {
		panic(fmt.Sprintf("energy: MostOffending: energies %v have no incorrect answer", energies.Shape()))
	}
	idx := make([]float32, n)
	d := energies.Data()
	for i := 0; i < n; i++ {
		best := -1
		for j := 0; j < k; j++ {
			if j != correct[i] && (best < 0 || d[i*k+j] < d[i*k+best]) {
				best = j
			}
		}
		idx[i] = float32(best)
	}
	return energies.Gather(1, tensor.New(idx, n, 1)).Reshape(-1)
}

func indexColumn(energies *tensor.Tensor, correct []int) *tensor.Tensor {
	n, k := energies.Size(0), energies.Size(1)
	if len(correct) != n {
		panic(fmt.Sprintf("energy: %d correct answers for energies %v", len(correct), energies.Shape()))
	}
	idx := make([]float32, n)
	for i, c := range correct {
		if c < 0 || c >= k {
			panic(fmt.Sprintf("energy: correct answer %d out of range for %d answers", c, k))
		}
		idx[i] = float32(c)
	}
	return tensor.New(idx, n, 1)
}

// EnergyLoss is L = E: it only pushes the correct answer down, which works
// when the architecture forbids low energy elsewhere. No margin.
func EnergyLoss() Loss {
	return pairLoss{"none", func(e, _ *tensor.Tensor) *tensor.Tensor { return e }}
}

// Perceptron is the generalized perceptron loss L = E - min_Y E(Y). Its
// finite form takes the minimum over all answers, the correct one included,
// so it is zero once the correct answer wins; so is the pair form, where
// the minimum is over the correct answer and the contrastive one:
// max(0, E - Ebar). (Without the correct answer in the minimum, E - Ebar
// averaged over sampled negatives would be the NLL's gradient estimate,
// not the perceptron.) Margin 0.
func Perceptron() Loss { return perceptron{} }

type perceptron struct{}

func (perceptron) Margin() string { return "0" }
func (perceptron) Pair(e, ebar *tensor.Tensor) *tensor.Tensor {
	return e.Sub(ebar).ReLU().Mean()
}
func (perceptron) Finite(energies *tensor.Tensor, correct []int) *tensor.Tensor {
	return Correct(energies, correct).Sub(energies.Min(1)).Mean()
}

// Hinge is L = max(0, m + E - Ebar). Margin m.
func Hinge(m float32) Loss {
	return pairLoss{fmt.Sprint(m), func(e, ebar *tensor.Tensor) *tensor.Tensor {
		return e.Sub(ebar).AddScalar(m).ReLU()
	}}
}

// LogLoss is L = log(1 + exp(E - Ebar)), a soft hinge. Margin > 0.
func LogLoss() Loss {
	return pairLoss{"> 0", func(e, ebar *tensor.Tensor) *tensor.Tensor { return e.Sub(ebar).Softplus() }}
}

// LVQ2 is L = min(1, max(0, (E - Ebar) / (delta Ebar))), from Kohonen's
// learning vector quantization; it assumes positive energies. Margin 0.
func LVQ2(delta float32) Loss {
	return pairLoss{"0", func(e, ebar *tensor.Tensor) *tensor.Tensor {
		return e.Sub(ebar).Div(ebar.MulScalar(delta)).Clamp(0, 1)
	}}
}

// MCE is the minimum classification error loss L = sigmoid(E - Ebar).
// Margin > 0.
func MCE() Loss {
	return pairLoss{"> 0", func(e, ebar *tensor.Tensor) *tensor.Tensor { return e.Sub(ebar).Sigmoid() }}
}

// SquareSquare is L = E^2 + max(0, m - Ebar)^2, for non-negative energies.
// Margin m.
func SquareSquare(m float32) Loss {
	return pairLoss{fmt.Sprint(m), func(e, ebar *tensor.Tensor) *tensor.Tensor {
		return e.Square().Add(ebar.Neg().AddScalar(m).ReLU().Square())
	}}
}

// SquareExp is L = E^2 + gamma exp(-Ebar), for non-negative energies.
// Margin > 0.
func SquareExp(gamma float32) Loss {
	return pairLoss{"> 0", func(e, ebar *tensor.Tensor) *tensor.Tensor {
		return e.Square().Add(ebar.Neg().Exp().MulScalar(gamma))
	}}
}

// NLL is the negative log-likelihood (MMI) loss
// L = E + 1/beta log sum_Y exp(-beta E(Y)). Its finite form sums over all
// answers. For continuous y the sum is intractable; the pair form is the
// standard contrastive estimate of its gradient, mean(E) - mean(Ebar) with
// Ebar the energies of samples from the model (Langevin, replay buffer):
// its gradient is that of the NLL in expectation. Margin > 0.
func NLL(beta float32) Loss { return nll{beta} }

type nll struct{ beta float32 }

func (nll) Margin() string { return "> 0" }
func (l nll) Pair(e, ebar *tensor.Tensor) *tensor.Tensor {
	return e.Mean().Sub(ebar.Mean())
}
func (l nll) Finite(energies *tensor.Tensor, correct []int) *tensor.Tensor {
	lse := energies.MulScalar(-l.beta).LogSumExp(1).MulScalar(1 / l.beta)
	return Correct(energies, correct).Add(lse).Mean()
}

// MEE is the minimum empirical error loss
// L = 1 - exp(-beta E) / sum_Y exp(-beta E(Y)), one minus the Gibbs
// probability of the correct answer. The pair form normalises over the two
// answers given. Margin > 0.
func MEE(beta float32) Loss { return mee{beta} }

type mee struct{ beta float32 }

func (mee) Margin() string { return "> 0" }
func (l mee) Pair(e, ebar *tensor.Tensor) *tensor.Tensor {
	both := tensor.Stack(1, e, ebar)
	return l.Finite(both, make([]int, e.Size(0)))
}
func (l mee) Finite(energies *tensor.Tensor, correct []int) *tensor.Tensor {
	p := energies.MulScalar(-l.beta).Softmax(1)
	return Correct(p, correct).OneMinus().Mean()
}

// Contrastive is the loss used to train energies on continuous data with
// sampled negatives (Du & Mordatch 2019):
// L = mean(E+) - mean(E-) + alpha (mean(E+^2) + mean(E-^2)),
// the NLL gradient estimate plus a penalty that keeps energies near zero.
func Contrastive(alpha float32) Loss { return contrastive{alpha} }

type contrastive struct{ alpha float32 }

func (contrastive) Margin() string { return "> 0" }
func (l contrastive) Pair(e, ebar *tensor.Tensor) *tensor.Tensor {
	reg := e.Square().Mean().Add(ebar.Square().Mean()).MulScalar(l.alpha)
	return e.Mean().Sub(ebar.Mean()).Add(reg)
}
func (l contrastive) Finite(energies *tensor.Tensor, correct []int) *tensor.Tensor {
	return l.Pair(Correct(energies, correct), MostOffending(energies, correct))
}

// LossConfig holds the constants the losses take. Each is used as given:
// zero means zero; start from DefaultLossConfig for the usual values.
type LossConfig struct {
	Margin, Beta, Gamma, Delta, Alpha float32
}

// DefaultLossConfig returns margin 1, beta 1, gamma 1, delta 1 and alpha 0.1.
func DefaultLossConfig() LossConfig {
	return LossConfig{Margin: 1, Beta: 1, Gamma: 1, Delta: 1, Alpha: 0.1}
}

// lossMaker builds a loss from the constants it lists.
type lossMaker struct {
	make      func(c LossConfig) Loss
	constants []string
}

var lossMakers = map[string]lossMaker{
	"energy":        {func(LossConfig) Loss { return EnergyLoss() }, nil},
	"perceptron":    {func(LossConfig) Loss { return Perceptron() }, nil},
	"hinge":         {func(c LossConfig) Loss { return Hinge(c.Margin) }, []string{"margin"}},
	"log":           {func(LossConfig) Loss { return LogLoss() }, nil},
	"lvq2":          {func(c LossConfig) Loss { return LVQ2(c.Delta) }, []string{"delta"}},
	"mce":           {func(LossConfig) Loss { return MCE() }, nil},
	"square-square": {func(c LossConfig) Loss { return SquareSquare(c.Margin) }, []string{"margin"}},
	"square-exp":    {func(c LossConfig) Loss { return SquareExp(c.Gamma) }, []string{"gamma"}},
	"nll":           {func(c LossConfig) Loss { return NLL(c.Beta) }, []string{"beta"}},
	"mee":           {func(c LossConfig) Loss { return MEE(c.Beta) }, []string{"beta"}},
	"contrastive":   {func(c LossConfig) Loss { return Contrastive(c.Alpha) }, []string{"alpha"}},
}

// LossConstants returns the names of the LossConfig fields (in lower
// case: "margin", "beta", "gamma", "delta", "alpha") that the named loss
// uses; nil for an unknown loss or one without constants.
func LossConstants(name string) []string { return lossMakers[name].constants }

// LossNames lists the names LossByName accepts.
func LossNames() []string {
	names := make([]string, 0, len(lossMakers))
	for n := range lossMakers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LossByName returns the named loss with the given constants, which must
// be finite and non-negative (beta positive).
func LossByName(name string, c LossConfig) (Loss, error) {
	mk, ok := lossMakers[name]
	if !ok {
		return nil, fmt.Errorf("energy: unknown loss %q (have %s)", name, strings.Join(LossNames(), ", "))
	}
	for _, v := range []float32{c.Margin, c.Beta, c.Gamma, c.Delta, c.Alpha} {
		if v < 0 || math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("energy: loss %s: constants must be finite and non-negative, got %+v", name, c)
		}
	}
	if slices.Contains(mk.constants, "beta") && c.Beta == 0 {
		return nil, fmt.Errorf("energy: loss %s: beta is an inverse temperature and must be positive", name)
	}
	return mk.make(c), nil
}
