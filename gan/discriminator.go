package gan

import (
	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
)

// Discriminator scores rows of (packed) samples. What the score means is
// up to the loss: a logit of "real" (Critic, for the classifier losses),
// a critic value (WGAN-GP), or an energy, low on real data (EnergyCritic,
// for EBGAN).
type Discriminator interface {
	nn.Module
	// Score returns one score per row of x ([N, D]), shape [N].
	Score(x *tensor.Tensor) *tensor.Tensor
}

// Critic is a discriminator whose network maps [N, D] to [N, 1].
type Critic struct {
	Net nn.Layer
}

// Params returns the network's parameters.
func (c *Critic) Params() []nn.Param { return c.Net.Params() }

// Children are the network's children, so that buffers are named as the
// parameters are ("1.weight", "4.running_mean").
func (c *Critic) Children() []nn.Child {
	if p, ok := c.Net.(nn.Parent); ok {
		return p.Children()
	}
	return nil
}

// Score returns the network's output as [N].
func (c *Critic) Score(x *tensor.Tensor) *tensor.Tensor {
	s := c.Net.Forward(x)
	return s.Reshape(s.Size(0))
}

// EnergyCritic is EBGAN's discriminator (Zhao, Mathieu & LeCun 2016): an
// autoencoder whose score is its reconstruction energy per value,
// ||x - dec(enc(x))||^2 / D, low where it has learned to reconstruct.
type EnergyCritic struct {
	AE *ae.AE
}

// NewEnergyCritic returns an autoencoder discriminator built by ae's
// builders: an MLP or conv encoder net to codes of size code and its
// mirror decoder, with Gaussian (identity) outputs.
func NewEnergyCritic(rng *tensor.RNG, net ae.Net, code int) *EnergyCritic {
	return &EnergyCritic{AE: &ae.AE{Encoder: net.Encoder(rng, code), Decoder: net.Decoder(rng, code), Likelihood: ae.Gaussian{Sigma: 1}}}
}

// Params returns the autoencoder's parameters.
func (e *EnergyCritic) Params() []nn.Param { return e.AE.Params() }

// Children are the autoencoder's encoder and decoder.
func (e *EnergyCritic) Children() []nn.Child { return e.AE.Children() }

// Score returns the reconstruction energy per value of each row, [N].
func (e *EnergyCritic) Score(x *tensor.Tensor) *tensor.Tensor {
	s, _ := e.ScoreCodes(x)
	return s
}

// ScoreCodes returns the energies ([N]) and the codes ([N, K]) of x.
func (e *EnergyCritic) ScoreCodes(x *tensor.Tensor) (energy, codes *tensor.Tensor) {
	codes = e.AE.Encode(x)
	r := e.AE.Likelihood.Mean(e.AE.Decode(codes))
	return r.Sub(x).Square().Mean(1), codes
}

// Energy returns the energy of the samples y ([N, D]), shape [N]; x is
// ignored. It makes the discriminator an energy.Model.
func (e *EnergyCritic) Energy(_, y *tensor.Tensor) *tensor.Tensor { return e.Score(y) }
