package attention

import (
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// Hard is hard attention: each query takes the value of its best-matching
// key, a = onehot(argmax Q K^T) (the first key on ties), c = a V. Shapes are
// Soft's. The argmax has no gradient: gradients reach v through the chosen
// rows only; StraightThrough trains q and k as well.
func Hard(q, k, v *tensor.Tensor) (c, a *tensor.Tensor) {
	checkValues(k, v)
	a = oneHotMax(Scores(q.Detach(), k.Detach(), 1))
	return a.Matmul(v), a
}

// StraightThrough is hard attention trainable by the straight-through
// estimator (Bengio, Léonard & Courville 2013, "Estimating or Propagating
// Gradients Through Stochastic Neurons"): the forward pass uses the one-hot
// weights of the largest score, the backward pass the gradient of the soft
// weights softmax(beta Q K^T), as if a = soft + (hard - soft) with the
// bracket held constant. With rng not nil, standard Gumbel noise is added
// to the logits beta Q K^T before both, so that the key is drawn with the
// probabilities of the soft weights instead of taken as their mode: the
// straight-through Gumbel-softmax of Jang, Gu & Poole 2017 ("Categorical
// Reparameterization with Gumbel-Softmax"), with beta in the role of the
// inverse temperature. It returns c [..., n, dv] and the (hard) weights.
func StraightThrough(q, k, v *tensor.Tensor, beta float32, rng *tensor.RNG) (c, a *tensor.Tensor) {
	checkValues(k, v)
	scores := Scores(q, k, beta)
	if rng != nil {
		scores = scores.Add(gumbel(rng, scores.Shape()))
	}
	soft := scores.Softmax(-1)
	hard := oneHotMax(scores.Detach())
	a = soft.Add(hard.Sub(soft.Detach()))
	return a.Matmul(v), a
}

// gumbel returns standard Gumbel noise -log(-log u), u ~ U(0, 1).
func gumbel(rng *tensor.RNG, shape []int) *tensor.Tensor {
	g := tensor.Rand(rng, shape...)
	vs := g.Values()
	for i, u := range vs {
		u = max(u, 1e-20)
		vs[i] = float32(-math.Log(-math.Log(float64(u))))
	}
	return g
}

// oneHotMax returns, for scores [..., n, t], the one-hot rows of each row's
// largest entry (the first on ties).
func oneHotMax(scores *tensor.Tensor) *tensor.Tensor {
	t := scores.Size(-1)
	out := tensor.ZerosLike(scores)
	o, s := out.Values(), scores.Values()
	for row := 0; row < len(s)/t; row++ {
		best := 0
		for j := 1; j < t; j++ {
			if s[row*t+j] > s[row*t+best] {
				best = j
			}
		}
		o[row*t+best] = 1
	}
	return out
}
