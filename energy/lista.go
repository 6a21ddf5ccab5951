package energy

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/optim"
	"github.com/gibbsml/gibbs/tensor"
)

// LISTA is the learned ISTA encoder of Gregor & LeCun (2010), "Learning Fast
// Approximations of Sparse Coding": ISTA's iteration written as a layer and
// unrolled Depth times, with its matrices and thresholds made trainable,
//
//	B = We y,  z_1 = h_theta(B),  z_{k+1} = h_theta(B + S z_k),  k < Depth,
//
// where h_theta is the soft threshold (Shrink) with one threshold per code
// unit. Initialised from a dictionary (NewLISTA) it computes exactly Depth
// ISTA iterations from z = 0; trained to imitate the optimal codes
// (TrainLISTA) a few layers reach the accuracy of many ISTA or FISTA
// iterations, which makes sparse coding fast enough to be used as an encoder
// at inference time.
type LISTA struct {
	We    *tensor.Tensor // filter matrix, shape [dz, dy]
	S     *tensor.Tensor // mutual inhibition matrix, shape [dz, dz]
	Theta *tensor.Tensor // thresholds, shape [dz]
	Depth int            // number of shrinkage layers, >= 1
}

// NewLISTA returns a LISTA encoder of depth layers initialised with the ISTA
// weights of sc (ISTAWeights): We = D^T / L, S = I - D^T D / L and
// theta = lambda / L for every unit. Its parameters require gradients.
func NewLISTA(sc *SparseCoding, depth int) *LISTA {
	if depth < 1 {
		panic(fmt.Sprintf("energy: NewLISTA: depth %d, want >= 1", depth))
	}
	we, s, theta := sc.ISTAWeights()
	return &LISTA{
		We:    we.SetRequiresGrad(true),
		S:     s.SetRequiresGrad(true),
		Theta: tensor.Full(theta, sc.Dict.Size(1)).SetRequiresGrad(true),
		Depth: depth,
	}
}

// Params returns "We", "S" and "theta".
func (l *LISTA) Params() []nn.Param {
	return []nn.Param{{Name: "We", Tensor: l.We}, {Name: "S", Tensor: l.S}, {Name: "theta", Tensor: l.Theta}}
}

// Forward returns the codes of the rows of y ([N, dy]), shape [N, dz].
func (l *LISTA) Forward(y *tensor.Tensor) *tensor.Tensor {
	b := tensor.MatmulT(matrixRows("LISTA", y, l.We.Size(1)), l.We, false, true)
	z := Shrink(b, l.Theta)
	for k := 1; k < l.Depth; k++ {
		z = Shrink(b.Add(tensor.MatmulT(z, l.S, false, true)), l.Theta)
	}
	return z
}

// TrainLISTA fits l to predict the codes target ([N, dz], usually the
// converged FISTA codes of y) from y ([N, dy]) by minimising the mean over
// minibatches of ||z_LISTA(y) - z*||^2 with Adam (Gregor & LeCun 2010 use
// plain stochastic gradient descent). It returns the loss of every step.
func TrainLISTA(l *LISTA, y, target *tensor.Tensor, cfg FitConfig) ([]float64, error) {
	if y.Size(0) != target.Size(0) {
		return nil, fmt.Errorf("energy: TrainLISTA: %d inputs but %d target codes", y.Size(0), target.Size(0))
	}
	return fitAdam("TrainLISTA", nn.Tensors(l), y.Size(0), cfg, func(idx []int) *tensor.Tensor {
		z := l.Forward(y.IndexSelect(0, idx))
		return z.Sub(target.IndexSelect(0, idx)).Square().Sum(1).Mean()
	}, nil)
}

// CodeError returns the relative squared error of the codes z against the
// reference codes ref (same shape): sum ||z - ref||^2 / sum ||ref||^2.
func CodeError(z, ref *tensor.Tensor) float64 {
	if z.Len() != ref.Len() {
		panic(fmt.Sprintf("energy: CodeError: shapes %v and %v", z.Shape(), ref.Shape()))
	}
	num, den := 0.0, 0.0
	rd := ref.Data()
	for i, v := range z.Data() {
		e := float64(v) - float64(rd[i])
		num += e * e
		den += float64(rd[i]) * float64(rd[i])
	}
	return num / den
}

// LISTASweep reproduces the comparison of Gregor & LeCun (2010):
// for every depth T = 1..MaxDepth a LISTA encoder is trained on the
// optimal codes of a training set, and its code error on a test set is
// compared with that of T iterations of ISTA and FISTA, and with that of
// FISTAIters iterations of FISTA. The optimal codes z* are those of
// TargetIters iterations of FISTA.
type LISTASweep struct {
	MaxDepth    int       // deepest encoder, >= 1
	FISTAIters  int       // iterations of the FISTA reference, 1..TargetIters
	TargetIters int       // FISTA iterations that give the optimal codes z*
	Fit         FitConfig // training of every encoder
}

// LISTAPoint holds the relative code errors (CodeError against z*) of T
// ISTA iterations, T FISTA iterations and a trained LISTA of depth T, and
// FISTAEquiv, the number of FISTA iterations needed to do as well as that
// LISTA.
type LISTAPoint struct {
	Depth              int
	ISTA, FISTA, LISTA float64
	FISTAEquiv         int
}

// LISTAComparison is the result of a LISTASweep.
type LISTAComparison struct {
	Points     []LISTAPoint // one per depth, in increasing order
	FISTAIters int
	FISTAError float64 // code error of FISTAIters iterations of FISTA
	// Match is the smallest depth whose LISTA error is at most FISTAError,
	// 0 when no depth up to MaxDepth reaches it.
	Match int
}

// Run performs the sweep for the sparse coding energy sc.
func (w LISTASweep) Run(sc *SparseCoding, train, test *tensor.Tensor) (*LISTAComparison, error) {
	if w.MaxDepth < 1 || w.FISTAIters < 1 || w.TargetIters < max(w.FISTAIters, w.MaxDepth) {
		return nil, fmt.Errorf("energy: LISTASweep: need depth %d >= 1, FISTA iterations %d >= 1 and target iterations %d >= both",
			w.MaxDepth, w.FISTAIters, w.TargetIters)
	}
	trainCodes := sc.FISTA(train, w.TargetIters)
	testCodes := sc.FISTA(test, w.TargetIters)
	// Error curves: fista[k-1] and ista[k-1] after k iterations.
	fista := make([]float64, w.TargetIters)
	sc.proximal(test, w.TargetIters, true, func(k int, z *tensor.Tensor) { fista[k-1] = CodeError(z, testCodes) })
	ista := make([]float64, w.MaxDepth)
	sc.proximal(test, w.MaxDepth, false, func(k int, z *tensor.Tensor) { ista[k-1] = CodeError(z, testCodes) })
	c := &LISTAComparison{FISTAIters: w.FISTAIters, FISTAError: fista[w.FISTAIters-1]}
	for depth := 1; depth <= w.MaxDepth; depth++ {
		l := NewLISTA(sc, depth)
		if _, err := TrainLISTA(l, train, trainCodes, w.Fit); err != nil {
			return nil, fmt.Errorf("energy: LISTASweep: depth %d: %w", depth, err)
		}
		z := l.Forward(test).DetachRelease()
		p := LISTAPoint{Depth: depth, ISTA: ista[depth-1], FISTA: fista[depth-1], LISTA: CodeError(z, testCodes)}
		for k, e := range fista {
			if e <= p.LISTA {
				p.FISTAEquiv = k + 1
				break
			}
		}
		c.Points = append(c.Points, p)
		if c.Match == 0 && p.LISTA <= c.FISTAError {
			c.Match = depth
		}
	}
	return c, nil
}

// FitConfig sets a minibatch Adam run (Kingma & Ba 2014, with PyTorch's
// default betas and eps) of TrainLISTA and TrainSparseAE.
type FitConfig struct {
	Steps     int     // optimizer steps, >= 1
	BatchSize int     // rows per step, >= 1 (all rows when larger)
	LR        float64 // learning rate, > 0
	Seed      uint64  // fixes the order of the minibatches
}

// fitAdam minimises loss over minibatches of n rows drawn without
// replacement in a fresh seeded order every epoch, and returns the loss of
// every step; project, when not nil, runs after every step (to keep the
// parameters in a constraint set). It stops with an error naming op if the
// loss is not finite.
func fitAdam(op string, params []*tensor.Tensor, n int, cfg FitConfig, loss func(idx []int) *tensor.Tensor, project func()) ([]float64, error) {
	if cfg.Steps < 1 || cfg.BatchSize < 1 || !(cfg.LR > 0) {
		return nil, fmt.Errorf("energy: %s: steps %d, batch size %d and learning rate %v must be positive", op, cfg.Steps, cfg.BatchSize, cfg.LR)
	}
	ac := optim.DefaultAdamConfig()
	ac.LR = cfg.LR
	opt, err := optim.NewAdam(params, ac)
	if err != nil {
		return nil, fmt.Errorf("energy: %s: %w", op, err)
	}
	bs := min(cfg.BatchSize, n)
	rng := tensor.NewRNG(cfg.Seed)
	perm, pos := rng.Perm(n), 0
	losses := make([]float64, cfg.Steps)
	for step := range cfg.Steps {
		if pos+bs > n {
			perm, pos = rng.Perm(n), 0
		}
		opt.ZeroGrad()
		l := loss(perm[pos : pos+bs])
		pos += bs
		losses[step] = float64(l.Item())
		if math.IsNaN(losses[step]) || math.IsInf(losses[step], 0) {
			return losses[:step+1], fmt.Errorf("energy: %s: loss %v at step %d", op, losses[step], step)
		}
		l.Backward()
		opt.Step()
		if project != nil {
			project()
		}
	}
	return losses, nil
}
