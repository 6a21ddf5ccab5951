package nn

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gibbsml/gibbs/gradcheck"
	"github.com/gibbsml/gibbs/tensor"
)

// goldenConfig is the configuration of scripts/attention_golden.py.
func goldenConfig(activation string, normFirst bool) TransformerConfig {
	return TransformerConfig{DModel: 8, NHead: 2, DimFeedforward: 16, Activation: activation, NormFirst: normFirst}
}

func TestTransformerGolden(t *testing.T) {
	encode := func(e interface {
		Encode(*tensor.Tensor, AttentionMask) *tensor.Tensor
	}, mask func(masks map[string]*tensor.Tensor) AttentionMask) func(in, masks map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
		return func(in, masks map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
			return e.Encode(in["x"], mask(masks)), nil
		}
	}
	padding := func(masks map[string]*tensor.Tensor) AttentionMask {
		return AttentionMask{KeyPadding: masks["key_padding"]}
	}
	causal := func(map[string]*tensor.Tensor) AttentionMask { return AttentionMask{Causal: true} }
	decode := func(d *TransformerDecoderLayer) func(in, masks map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
		return func(in, masks map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor) {
			return d.Decode(in["tgt"], in["memory"], AttentionMask{Causal: true},
				AttentionMask{KeyPadding: masks["memory_key_padding"]}), nil
		}
	}
	rng := tensor.NewRNG(1)
	postRelu := NewTransformerEncoderLayer(rng, goldenConfig("relu", false))
	preGelu := NewTransformerEncoderLayer(rng, goldenConfig("gelu", true))
	stack := NewTransformerEncoder(rng, goldenConfig("gelu", true), 2, true)
	decPost := NewTransformerDecoderLayer(rng, goldenConfig("relu", false))
	decPre := NewTransformerDecoderLayer(rng, goldenConfig("relu", true))
	tests := []struct {
		name    string
		m       Module
		forward func(in, masks map[string]*tensor.Tensor) (*tensor.Tensor, *tensor.Tensor)
	}{
		{"encoder_post_relu", postRelu, encode(postRelu, padding)},
		{"encoder_pre_gelu", preGelu, encode(preGelu, padding)},
		{"encoder_stack_causal", stack, encode(stack, causal)},
		{"decoder_post", decPost, decode(decPost)},
		{"decoder_pre", decPre, decode(decPre)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			replayGolden(t, attnGolden(t, tc.name), tc.m, tc.forward)
		})
	}
}

func TestTransformerParamNames(t *testing.T) {
	cfg := TransformerConfig{DModel: 4, NHead: 2, DimFeedforward: 6}
	attn := []string{"in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"}
	with := func(prefix string, names ...string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = prefix + "." + n
		}
		return out
	}
	ffNorms := func(norms ...string) []string {
		var out []string
		for _, l := range []string{"linear1", "linear2"} {
			out = append(out, with(l, "weight", "bias")...)
		}
		for _, n := range norms {
			out = append(out, with(n, "weight", "bias")...)
		}
		return out
	}
	encoderLayer := append(with("self_attn", attn...), ffNorms("norm1", "norm2")...)
	decoderLayer := append(append(with("self_attn", attn...), with("multihead_attn", attn...)...), ffNorms("norm1", "norm2", "norm3")...)
	encoderStack := append(append(with("layers.0", encoderLayer...), with("layers.1", encoderLayer...)...), "norm.weight", "norm.bias")
	tests := []struct {
		name string
		m    Module
		want []string
	}{
		{"encoder layer", NewTransformerEncoderLayer(tensor.NewRNG(1), cfg), encoderLayer},
		{"decoder layer", NewTransformerDecoderLayer(tensor.NewRNG(1), cfg), decoderLayer},
		{"encoder", NewTransformerEncoder(tensor.NewRNG(1), cfg, 2, true), encoderStack},
		{"decoder", NewTransformerDecoder(tensor.NewRNG(1), cfg, 1, false), with("layers.0", decoderLayer...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range tc.m.Params() {
				got = append(got, p.Name)
			}
			sort.Strings(got)
			want := append([]string{}, tc.want...)
			sort.Strings(want)
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("parameters\n%v\nwant\n%v", got, want)
			}
		})
	}
}

func TestTransformerDropout(t *testing.T) {
	cfg := TransformerConfig{DModel: 4, NHead: 2, DimFeedforward: 8, Dropout: 0.5}
	e := NewTransformerEncoder(tensor.NewRNG(2), cfg, 2, false)
	x := tensor.Randn(tensor.NewRNG(3), 2, 3, 4)
	same := func(a, b *tensor.Tensor) bool { return fmt.Sprint(a.Data()) == fmt.Sprint(b.Data()) }
	if same(e.Forward(x), e.Forward(x)) {
		t.Error("in training, two passes with dropout 0.5 agree")
	}
	SetTraining(e, false)
	if !same(e.Forward(x), e.Forward(x)) {
		t.Error("in evaluation, two passes differ")
	}
	if e.Layers[1].SelfAttn.Dropout.Training {
		t.Error("SetTraining did not reach the attention's dropout")
	}
}

func TestTransformerLayerGradients(t *testing.T) {
	rng := tensor.NewRNG(4)
	cfg := TransformerConfig{DModel: 4, NHead: 2, DimFeedforward: 6, Activation: "gelu"}
	enc := NewTransformerEncoderLayer(rng, cfg)
	dec := NewTransformerDecoderLayer(rng, TransformerConfig{DModel: 4, NHead: 2, DimFeedforward: 6, NormFirst: true})
	tests := []struct {
		name   string
		f      gradcheck.Func
		inputs []*tensor.Tensor
	}{
		{"encoder", func(xs ...*tensor.Tensor) *tensor.Tensor {
			return enc.Encode(xs[0], AttentionMask{Causal: true})
		}, []*tensor.Tensor{tensor.Randn(rng, 2, 3, 4)}},
		{"decoder", func(xs ...*tensor.Tensor) *tensor.Tensor {
			return dec.Decode(xs[0], xs[1], AttentionMask{Causal: true}, AttentionMask{})
		}, []*tensor.Tensor{tensor.Randn(rng, 1, 3, 4), tensor.Randn(rng, 1, 2, 4)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := gradcheck.Check(tc.f, tc.inputs, gradcheck.Options{}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestTransformerBadActivation(t *testing.T) {
	msg := panicMessage(func() {
		NewTransformerEncoderLayer(tensor.NewRNG(1), TransformerConfig{DModel: 4, NHead: 2, Activation: "tanh"})
	})
	if !strings.Contains(msg, `"tanh"`) {
		t.Errorf("panic %q does not name the activation", msg)
	}
}

func ExampleTransformerEncoder() {
	rng := tensor.NewRNG(1)
	cfg := TransformerConfig{DModel: 8, NHead: 2, DimFeedforward: 32, NormFirst: true}
	enc := NewTransformerEncoder(rng, cfg, 2, true)
	// A batch of 3 sequences of 5 tokens, with positions added.
	x := tensor.Randn(rng, 3, 5, 8).Add(SinusoidalEncoding(5, 8))
	// The last two tokens of the first sequence are padding.
	pad := tensor.Zeros(3, 5)
	pad.Set(1, 0, 3)
	pad.Set(1, 0, 4)
	y := enc.Encode(x, AttentionMask{KeyPadding: pad})
	fmt.Println(y.Shape(), len(enc.Params()))
	// Output: [3 5 8] 26
}

func ExampleMultiHeadAttention_Attend() {
	m := NewMultiHeadAttention(tensor.NewRNG(1), 4, 2, 0, true)
	x := tensor.Randn(tensor.NewRNG(2), 1, 3, 4)
	out, w := m.Attend(x, x, x, AttentionMask{Causal: true}, true)
	fmt.Println(out.Shape(), w.Shape())
	// The first token can only attend to itself.
	fmt.Println(w.At(0, 0, 0), w.At(0, 0, 1), w.At(0, 0, 2))
	// Output:
	// [1 3 4] [1 3 3]
	// 1 0 0
}
