// Package attention holds attention as the NYU Deep Learning course (Canziani
// & LeCun, week 12) writes it, attention read as an energy, and the sequence
// tasks that train transformers.
//
// It is a package apart from nn: nn keeps the layers as PyTorch defines them
// (MultiHeadAttention, the transformer stacks, with PyTorch's parameter
// names and checked against it), while this package holds the forms of the
// notes, with no parameters of their own, and what is built from them: the
// modern Hopfield energy of Ramsauer et al. 2020 whose update is attention,
// and the model family of transformers trained on algorithmic sequence tasks
// (kind "transformer").
//
// # Soft and hard attention
//
// With a set of t vectors x_1..x_t as the rows of X [t, d] and a query x,
// soft attention mixes the set by how well each vector matches the query:
//
//	a = softmax(beta X x)    (the notes' softmax(beta X^T x), X as columns)
//	c = X^T a                 (the notes' X a)
//
// With separate keys K [t, d] and values V [t, dv], a = softmax(beta K q)
// and c = V^T a: Soft computes this for a batch of queries Q [n, d] as
// softmax(beta Q K^T) V. The inverse temperature beta moves attention from
// the plain mean of the values (beta = 0) to hard attention (beta -> inf),
// where a is the one-hot vector of the best-matching key (Hard);
// beta = 1/sqrt(d) is the scaled dot-product attention of Vaswani et al.
// 2017 (Scaled). Hard attention's argmax has no gradient; StraightThrough
// gives it the gradient of the soft weights, optionally with Gumbel noise
// for sampling (Bengio, Léonard & Courville 2013; Jang, Gu & Poole 2017).
// Self-attention over a set lets every member attend to all of them
// (SelfAttention): the queries, keys and values are the set itself, and
// permuting the set permutes the output the same way.
//
// # Attention as an energy
//
// Hopfield is the modern Hopfield network of Ramsauer et al. 2020,
// "Hopfield Networks is All You Need": an energy.Model of a state xi given
// stored patterns X, whose energy-lowering update xi <- X^T softmax(beta X
// xi) is soft attention with the state as query and the patterns as keys
// and values. Its capacity experiment (MeasureCapacity, 'gibbs hopfield')
// counts the patterns it retrieves from half-masked queries.
//
// # Transformers that learn
//
// Kind "transformer" (Train, 'gibbs train transformer') trains a
// Transformer on one of Tasks through train.Loop: an encoder that
// classifies every position (reverse, copy, sort), an encoder-decoder
// with causal masking and greedy decoding (addition), or a causal encoder
// over the characters of a text file (a character-level language model).
// Runs report their accuracy on held-out sequences and draw the attention
// maps of every layer and head; train.Open gives back a Transformer that
// predicts sequences (Predict) and, for text, writes (Generate).
package attention
