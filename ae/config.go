package ae

import (
	"math"
	"slices"
	"strings"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/nn"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/train"
)

// Common is the part of a run's configuration that every autoencoder
// shares: data, networks and optimisation.
type Common struct {
	Data string `json:"data"`
	// Shape is the shape of one sample, taken from the data when the run
	// starts.
	Shape      []int  `json:"shape"`
	Arch       string `json:"arch"`
	Hidden     []int  `json:"hidden"`
	Latent     int    `json:"latent"`
	Activation string `json:"activation"`
	// Likelihood is "bernoulli" or "gaussian"; empty picks bernoulli for
	// data in [0, 1] and gaussian otherwise when the run starts.
	Likelihood string  `json:"likelihood"`
	Sigma      float64 `json:"sigma"` // standard deviation of the gaussian likelihood
	Epochs     int     `json:"epochs"`
	Batch      int     `json:"batch"`
	LR         float64 `json:"lr"`
	// Class, when set, keeps only the training samples of that label
	// (one-class training, for anomaly detection); the test set stays
	// whole. It applies before TrainSize.
	Class *int `json:"class,omitempty"`
	// TrainSize keeps the first TrainSize training samples; 0 keeps all.
	TrainSize       int    `json:"train_size"`
	CheckpointEvery int    `json:"checkpoint_every"` // steps
	Seed            uint64 `json:"seed"`
}

// AEConfig is the configuration of a run of kind "ae".
type AEConfig struct {
	Common
	// Variant is the objective: "plain", "denoising", "sparse" or
	// "contractive" (Variants).
	Variant string `json:"variant"`
	// Code is the activation of the code: "linear", "relu" or "sigmoid";
	// empty picks sigmoid for the kl sparsity penalty, linear otherwise.
	Code string `json:"code"`
	// Noise is the denoising corruption, "gaussian" or "masking", and
	// NoiseLevel its standard deviation or masking rate.
	Noise      string  `json:"noise"`
	NoiseLevel float64 `json:"noise_level"`
	// Sparsity is the sparse penalty, "l1" or "kl", with weight
	// SparsityWeight and, for kl, target rate SparsityTarget.
	Sparsity       string  `json:"sparsity"`
	SparsityWeight float64 `json:"sparsity_weight"`
	SparsityTarget float64 `json:"sparsity_target"`
	// ContractiveWeight weighs the Jacobian penalty.
	ContractiveWeight float64 `json:"contractive_weight"`
}

// VAEConfig is the configuration of a run of kind "vae".
type VAEConfig struct {
	Common
	Beta float64 `json:"beta"`
	// WarmupEpochs is the length of the linear KL warm-up; 0 for none.
	WarmupEpochs int `json:"warmup_epochs"`
	// IWAEK is the number of importance samples of the test
	// log-likelihood estimated at the end of the run (0: none), on the
	// first IWAESize test samples (0: all).
	IWAEK    int `json:"iwae_k"`
	IWAESize int `json:"iwae_size"`
}

// Variants lists the names AEConfig.Variant takes.
var Variants = []string{"plain", "denoising", "sparse", "contractive"}

// defaultCommon is the recipe of PyTorch's VAE example on MNIST: a
// 784-400-20 MLP with ReLU, Adam at 1e-3, batches of 128, 10 epochs.
func defaultCommon() Common {
	return Common{
		Data: "mnist", Arch: "mlp", Latent: 20, Activation: "relu", Sigma: 0.1,
		Epochs: 10, Batch: 128, LR: 1e-3, CheckpointEvery: 200, Seed: 1,
	}
}

// DefaultAEConfig is a plain autoencoder with the VAE example's networks.
func DefaultAEConfig() AEConfig {
	return AEConfig{
		Common: defaultCommon(), Variant: "plain", Noise: "gaussian", NoiseLevel: 0.3,
		Sparsity: "l1", SparsityWeight: 1e-3, SparsityTarget: 0.05, ContractiveWeight: 0.1,
	}
}

// DefaultVAEConfig is PyTorch's VAE example (pytorch/examples, vae/main.py):
// Bernoulli likelihood (BCE summed over pixels), ELBO with beta 1, and the
// IWAE bound with k = 100 on the whole test set at the end.
func DefaultVAEConfig() VAEConfig {
	return VAEConfig{Common: defaultCommon(), Beta: 1, IWAEK: 100}
}

// DefaultHidden is the hidden widths of an architecture: one layer of 400
// for the MLP, stride-2 layers of 32 and 64 channels for the conv net.
func DefaultHidden(arch string) []int {
	if arch == "conv" {
		return []int{32, 64}
	}
	return []int{400}
}

// resolve fills the settings that follow from the data.
func (c *Common) resolve(set *data.Set) {
	c.Shape = append([]int(nil), set.Shape...)
	if len(c.Hidden) == 0 {
		c.Hidden = DefaultHidden(c.Arch)
	}
	if c.Likelihood == "" {
		c.Likelihood = "bernoulli"
		for _, v := range set.X.Data() {
			if v < 0 || v > 1 {
				c.Likelihood = "gaussian"
				break
			}
		}
	}
}

func (c *AEConfig) resolve(set *data.Set) {
	c.Common.resolve(set)
	if c.Code == "" {
		c.Code = "linear"
		if c.Variant == "sparse" && c.Sparsity == "kl" {
			c.Code = "sigmoid"
		}
	}
}

// Validate checks the settings; its errors are *train.SettingError. The
// settings that follow from the data (empty Shape, Likelihood) pass.
func (c Common) Validate() error {
	if c.Data == "" {
		return train.Settingf("data", "needs a data set")
	}
	if err := c.net().Validate(); err != nil {
		setting, problem, _ := strings.Cut(err.Error(), ": ")
		return train.Settingf(setting, "%s", problem)
	}
	if c.Likelihood != "" && !slices.Contains(Likelihoods, c.Likelihood) {
		return train.Settingf("likelihood", "unknown likelihood %q (have %s)", c.Likelihood, strings.Join(Likelihoods, ", "))
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"latent", float64(c.Latent)}, {"sigma", c.Sigma}, {"epochs", float64(c.Epochs)}, {"batch", float64(c.Batch)},
		{"lr", c.LR}, {"checkpoint-every", float64(c.CheckpointEvery)}} {
		if !(p.v > 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be positive, got %v", p.v)
		}
	}
	if c.Class != nil && *c.Class < 0 {
		return train.Settingf("class", "must be a label, zero or positive, got %d", *c.Class)
	}
	if c.TrainSize < 0 {
		return train.Settingf("train-size", "must be zero (all) or positive, got %d", c.TrainSize)
	}
	return nil
}

// Validate checks the settings; its errors are *train.SettingError.
func (c AEConfig) Validate() error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	if _, err := c.Objective(); err != nil {
		return err
	}
	if _, ok := codes[c.Code]; !ok && c.Code != "" {
		return train.Settingf("code", "unknown code activation %q (have linear, relu, sigmoid)", c.Code)
	}
	if c.Variant == "sparse" && c.Sparsity == "kl" && c.Code != "sigmoid" && c.Code != "" {
		return train.Settingf("code", "the kl sparsity penalty needs rates in (0, 1): a sigmoid code, not %s", c.Code)
	}
	return nil
}

// Validate checks the settings; its errors are *train.SettingError.
func (c VAEConfig) Validate() error {
	if err := c.Common.Validate(); err != nil {
		return err
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"beta", c.Beta}, {"warmup", float64(c.WarmupEpochs)}, {"iwae-k", float64(c.IWAEK)}, {"iwae-n", float64(c.IWAESize)}} {
		if !(p.v >= 0) || math.IsInf(p.v, 0) {
			return train.Settingf(p.name, "must be zero or positive, got %v", p.v)
		}
	}
	return nil
}

// Objective returns the objective of the config's variant, or a
// *train.SettingError.
func (c AEConfig) Objective() (Objective, error) {
	nonNeg := func(setting string, v float64) error {
		if !(v >= 0) || math.IsInf(v, 0) {
			return train.Settingf(setting, "must be zero or positive, got %v", v)
		}
		return nil
	}
	switch c.Variant {
	case "plain":
		return Plain{}, nil
	case "denoising":
		switch c.Noise {
		case "gaussian":
			return Denoising{GaussianNoise{c.NoiseLevel}}, nonNeg("noise-level", c.NoiseLevel)
		case "masking":
			if !(c.NoiseLevel >= 0 && c.NoiseLevel < 1) {
				return nil, train.Settingf("noise-level", "a masking rate must be in [0, 1), got %v", c.NoiseLevel)
			}
			return Denoising{MaskingNoise{c.NoiseLevel}}, nil
		}
		return nil, train.Settingf("noise", "unknown noise %q (have gaussian, masking)", c.Noise)
	case "sparse":
		if err := nonNeg("sparsity-weight", c.SparsityWeight); err != nil {
			return nil, err
		}
		switch c.Sparsity {
		case "l1":
			return Sparse{L1{c.SparsityWeight}}, nil
		case "kl":
			if !(c.SparsityTarget > 0 && c.SparsityTarget < 1) {
				return nil, train.Settingf("sparsity-target", "must be in (0, 1), got %v", c.SparsityTarget)
			}
			return Sparse{KLRate{Target: c.SparsityTarget, Weight: c.SparsityWeight}}, nil
		}
		return nil, train.Settingf("sparsity", "unknown sparsity penalty %q (have l1, kl)", c.Sparsity)
	case "contractive":
		return Contractive{c.ContractiveWeight}, nonNeg("contractive-weight", c.ContractiveWeight)
	}
	return nil, train.Settingf("variant", "unknown variant %q (have %s)", c.Variant, strings.Join(Variants, ", "))
}

var codes = map[string]func() nn.Layer{
	"linear":  func() nn.Layer { return nil },
	"relu":    func() nn.Layer { return nn.ReLU() },
	"sigmoid": func() nn.Layer { return nn.Sigmoid() },
}

func (c Common) net() Net {
	return Net{Arch: c.Arch, Shape: c.Shape, Hidden: c.Hidden, Activation: c.Activation}
}

func (c Common) likelihood() Likelihood {
	if c.Likelihood == "gaussian" {
		return Gaussian{Sigma: c.Sigma}
	}
	return Bernoulli{}
}

// NewAE returns the untrained autoencoder of a valid config, initialised
// from its seed.
func NewAE(c AEConfig) *AE {
	rng := tensor.NewRNG(c.Seed)
	net := c.net()
	return &AE{Encoder: net.Encoder(rng, c.Latent), Decoder: net.Decoder(rng, c.Latent), Code: codes[c.Code](), Likelihood: c.likelihood()}
}

// NewVAE returns the untrained VAE of a valid config, initialised from its
// seed.
func NewVAE(c VAEConfig) *VAE {
	rng := tensor.NewRNG(c.Seed)
	net := c.net()
	return &VAE{Encoder: net.Encoder(rng, 2*c.Latent), Decoder: net.Decoder(rng, c.Latent), Latent: c.Latent, Likelihood: c.likelihood()}
}

// checkData checks that a data set suits the config.
func (c Common) checkData(set *data.Set) error {
	if c.Likelihood == "bernoulli" {
		for _, v := range set.X.Data() {
			if v < 0 || v > 1 {
				return train.Settingf("likelihood", "bernoulli needs data in [0, 1], and %s has %v", set.Name, v)
			}
		}
	}
	return nil
}
