package gan

import (
	"math"
	"slices"
	"strings"

	"github.com/gibbsml/gibbs/ae"
	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Kind is the model kind of GAN runs in config.json.
const Kind = "gan"

// Losses lists the names Config.Loss takes.
var Losses = []string{"ns", "minimax", "hinge", "ls", "wgan-gp", "r1", "ebgan"}

// Architectures lists the names Config.Arch takes.
var Architectures = []string{"mlp", "dcgan"}

// Config is the configuration of a run of kind "gan".
type Config struct {
	Data string `json:"data"`
	// Shape is the shape of one sample, taken from the data when the run
	// starts.
	Shape []int `json:"shape"`
	// Loss names the objective (Losses).
	Loss string `json:"loss"`
	// Arch is "mlp" or "dcgan" (images); empty picks dcgan for images and
	// mlp otherwise when the run starts.
	Arch   string `json:"arch"`
	Latent int    `json:"latent"` // size of the noise z ~ N(0, I)
	// GHidden and DHidden are the MLPs' hidden widths; Channels the DCGAN
	// nets' (and EBGAN's conv autoencoder's) stride-2 channels.
	GHidden  []int  `json:"g_hidden"`
	DHidden  []int  `json:"d_hidden"`
	Channels [2]int `json:"channels"`
	// GBatchNorm puts BatchNorm in the MLP generator's hidden layers.
	GBatchNorm bool `json:"g_batchnorm"`
	// DMaxout, when above 1, makes the MLP discriminator's hidden layers
	// maxout layers of that many pieces (PacGAN's LinearMaxout) in place
	// of LeakyReLU.
	DMaxout int `json:"d_maxout"`
	// Init is how the MLPs start: "pytorch" (or empty) for PyTorch's
	// default initialisation, "normal" for weights from N(0, 0.02) and
	// zero biases (PacGAN's, and DCGAN's, which its nets always take).
	Init string `json:"init"`
	// Code is the code size of EBGAN's autoencoder.
	Code int `json:"code"`
	// Pack is PacGAN's packing degree: the discriminator sees Pack samples
	// at once (1: no packing).
	Pack int `json:"pack"`
	// SpectralNorm divides the weight of each Linear and convolution
	// layer of the discriminator by its largest singular value (Miyato et
	// al. 2018); not for EBGAN's autoencoder.
	SpectralNorm bool `json:"spectral_norm"`
	// NCritic is the number of discriminator steps per generator step.
	NCritic int `json:"n_critic"`
	// Batch is the number of rows the discriminator judges per step, real
	// and generated each: Batch*Pack samples of each, as PacGAN keeps its
	// minibatch of packed rows whatever the packing.
	Batch int `json:"batch"`
	Steps int `json:"steps"` // generator steps
	// Adam's learning rates and betas, apart for G and D.
	LRG    float64    `json:"lr_g"`
	LRD    float64    `json:"lr_d"`
	BetasG [2]float64 `json:"betas_g"`
	BetasD [2]float64 `json:"betas_d"`
	// LRSchedule is "constant" or "cosine" (both rates decay to 0 over
	// Steps; a resume that raises Steps stretches the decay).
	LRSchedule string `json:"lr_schedule"`
	// Penalty weighs WGAN-GP's gradient penalty (lambda) or R1's (gamma).
	Penalty float64 `json:"penalty"`
	// Margin and PullAway are EBGAN's margin m and pulling-away weight.
	Margin   float64 `json:"margin"`
	PullAway float64 `json:"pull_away"`
	// EMA is the decay of the moving average of the generator's weights
	// that samples are drawn from; 0 samples the trained weights.
	EMA float64 `json:"ema"`
	// TrainSize keeps the first TrainSize training samples; 0 keeps all.
	TrainSize       int    `json:"train_size"`
	EvalEvery       int    `json:"eval_every"`
	CheckpointEvery int    `json:"checkpoint_every"`
	Seed            uint64 `json:"seed"`
}

// DefaultConfig is the recipe for the 2-D mixtures (docs/GANS.md): MLPs
// of three hidden layers of 128 (ReLU in G, LeakyReLU(0.2) in D), z in
// R^2, the non-saturating loss without packing, Adam at 1e-3 with betas
// (0.5, 0.999) for both and a cosine decay to 0, batches of 256, 15000
// steps, and samples from the moving average of G's weights (decay
// 0.999). PacGANConfig is PacGAN's protocol instead.
func DefaultConfig() Config {
	return Config{
		Data: "ring8", Loss: "ns", Latent: 2,
		GHidden: []int{128, 128, 128}, DHidden: []int{128, 128, 128}, Channels: [2]int{64, 128}, Code: 16,
		Pack: 1, NCritic: 1, Batch: 256, Steps: 15000, LRG: 1e-3, LRD: 1e-3, LRSchedule: "cosine", BetasG: [2]float64{0.5, 0.999}, BetasD: [2]float64{0.5, 0.999},
		Penalty: 10, Margin: 1, PullAway: 0.1, EMA: 0.999, EvalEvery: 1000, CheckpointEvery: 1000, Seed: 1,
	}
}

// PacGANConfig is the protocol of PacGAN's 2-D experiments (Lin et al.
// 2018, Table 1, as their code sets it) on data, with packing degree
// pack: G four hidden layers of 400 with BatchNorm and ReLU, D three
// maxout layers of 200 units with 5 pieces, z in R^2, weights from N(0,
// 0.02), Adam at 1e-4 with beta1 0.8, the non-saturating loss, 100 packed
// rows a step, no average of G, and a constant rate. The paper trains
// 400,000 steps; Steps here is 2000 (docs/GANS.md says why).
func PacGANConfig(data string, pack int) Config {
	c := DefaultConfig()
	c.Data, c.Pack = data, pack
	c.GHidden, c.GBatchNorm, c.DHidden, c.DMaxout, c.Init = []int{400, 400, 400, 400}, true, []int{200, 200, 200}, 5, "normal"
	c.LRG, c.LRD, c.BetasG, c.BetasD, c.LRSchedule = 1e-4, 1e-4, [2]float64{0.8, 0.999}, [2]float64{0.8, 0.999}, "constant"
	c.Batch, c.EMA, c.Steps, c.EvalEvery = 100, 0, 2000, 250
	return c
}

// resolve fills the settings that follow from the data.
func (c *Config) resolve(shape []int) {
	c.Shape = append([]int(nil), shape...)
	if c.Arch == "" {
		c.Arch = "mlp"
		if data.IsImage(shape) {
			c.Arch = "dcgan"
		}
	}
}

// Validate checks the settings; its errors are *train.SettingError.
func (c Config) Validate() error {
	if c.Data == "" {
		return train.Settingf("data", "needs a data set")
	}
	if !slices.Contains(Losses, c.Loss) {
		return train.Settingf("loss", "unknown loss %q (have %s)", c.Loss, strings.Join(Losses, ", "))
	}
	if c.Arch != "" && !slices.Contains(Architectures, c.Arch) {
		return train.Settingf("arch", "unknown architecture %q (have %s)", c.Arch, strings.Join(Architectures, ", "))
	}
	if c.Arch == "dcgan" && c.Shape != nil {
		if err := c.dcgan().Validate(); err != nil {
			return train.Settingf("arch", "%v", err)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"latent", float64(c.Latent)}, {"pack", float64(c.Pack)}, {"n-critic", float64(c.NCritic)}, {"batch", float64(c.Batch)},
		{"steps", float64(c.Steps)}, {"lr-g", c.LRG}, {"lr-d", c.LRD}, {"code", float64(c.Code)},
		{"eval-every", float64(c.EvalEvery)}, {"checkpoint-every", float64(c.CheckpointEvery)}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be positive, got %v", p.v)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"penalty", c.Penalty}, {"margin", c.Margin}, {"pull-away", c.PullAway}, {"train-size", float64(c.TrainSize)}} {
		if !(p.v >= 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be zero or positive, got %v", p.v)
		}
	}
	for _, w := range append(append([]int(nil), c.GHidden...), c.DHidden...) {
		if w <= 0 {
			return train.Settingf("hidden", "widths must be positive, got %v and %v", c.GHidden, c.DHidden)
		}
	}
	if c.Batch < 2 {
		return train.Settingf("batch", "must hold at least two rows, got %d", c.Batch)
	}
	if c.DMaxout < 0 {
		return train.Settingf("d-maxout", "must be zero or positive, got %d", c.DMaxout)
	}
	if c.Init != "" && c.Init != "pytorch" && c.Init != "normal" {
		return train.Settingf("init", "unknown initialisation %q (have pytorch, normal)", c.Init)
	}
	for _, b := range []struct {
		name string
		v    [2]float64
	}{{"beta1-g, beta2-g", c.BetasG}, {"beta1-d, beta2-d", c.BetasD}} {
		if !(b.v[0] >= 0 && b.v[0] < 1 && b.v[1] >= 0 && b.v[1] < 1) {
			return train.Settingf(b.name, "Adam's betas must be in [0, 1), got %v", b.v)
		}
	}
	if c.SpectralNorm && c.Loss == "ebgan" {
		return train.Settingf("spectral-norm", "applies to the classifier and critic discriminators, not to ebgan's autoencoder")
	}
	if c.LRSchedule != "constant" && c.LRSchedule != "cosine" {
		return train.Settingf("lr-schedule", "unknown schedule %q (have constant, cosine)", c.LRSchedule)
	}
	if !(c.EMA >= 0 && c.EMA < 1) {
		return train.Settingf("ema", "the decay must be in [0, 1), got %v", c.EMA)
	}
	return nil
}

// Objective returns the config's loss.
func (c Config) Objective() Loss {
	switch c.Loss {
	case "minimax":
		return Minimax{}
	case "hinge":
		return Hinge{}
	case "ls":
		return LeastSquares{}
	case "wgan-gp":
		return WGANGP{Lambda: float32(c.Penalty)}
	case "r1":
		return R1{Gamma: float32(c.Penalty)}
	case "ebgan":
		return EBGAN{Margin: float32(c.Margin), PullAway: float32(c.PullAway)}
	}
	return NonSaturating{}
}

func (c Config) dcgan() DCGAN { return DCGAN{Shape: c.Shape, Channels: c.Channels} }

// NewGenerator returns the untrained generator of a resolved, valid
// config: [N, Latent] noise to [N, D] samples (in [-1, 1] for images).
func NewGenerator(c Config, rng *tensor.RNG) *nn.Sequential {
	if c.Arch == "dcgan" {
		return c.dcgan().Generator(rng, c.Latent)
	}
	var final nn.Layer
	if data.IsImage(c.Shape) {
		final = nn.Tanh()
	}
	g := MLP{Hidden: c.GHidden, Activation: func() nn.Layer { return nn.ReLU() }, BatchNorm: c.GBatchNorm}.Build(rng, c.Latent, data.Features(c.Shape), final)
	if c.Init == "normal" {
		Init(rng, g)
	}
	return g
}

// NewDiscriminator returns the untrained discriminator of a resolved,
// valid config, on rows of Pack samples: an autoencoder (EnergyCritic)
// for EBGAN, a Critic otherwise, its Linear and convolution layers
// spectrally normalised when the config asks.
func NewDiscriminator(c Config, rng *tensor.RNG) Discriminator {
	if c.Loss == "ebgan" {
		net := ae.Net{Arch: "mlp", Shape: []int{c.Pack * data.Features(c.Shape)}, Hidden: c.DHidden, Activation: "relu"}
		if c.Arch == "dcgan" {
			net = ae.Net{Arch: "conv", Shape: []int{c.Pack * c.Shape[0], c.Shape[1], c.Shape[2]}, Hidden: c.Channels[:], Activation: "relu"}
		}
		return NewEnergyCritic(rng, net, c.Code)
	}
	var net *nn.Sequential
	if c.Arch == "dcgan" {
		net = c.dcgan().Discriminator(rng, c.Pack)
	} else {
		net = MLP{Hidden: c.DHidden, Activation: func() nn.Layer { return nn.LeakyReLU(0.2) }, Maxout: c.DMaxout}.Build(rng, c.Pack*data.Features(c.Shape), 1, nil)
		if c.Init == "normal" {
			Init(rng, net)
		}
	}
	if c.SpectralNorm {
		nn.SpectralNormLayers(rng, net)
	}
	return &Critic{Net: net}
}
