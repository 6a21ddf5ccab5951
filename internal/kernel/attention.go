package kernel

import (
	"fmt"
	"math"
)

// Multi-head self-attention (Vaswani et al. 2017, section 3.2) one
// (sequence, head) pair at a time. A pair's score block is T-by-T, a few
// KiB for the sequences of the models here, so the scores, their softmax
// and the mix of the values are computed while the block is in cache,
// instead of in passes over the weights of every pair. Each product runs
// the micro-kernel as Sgemm's direct path does, reading the operands in
// place where it can, with scratch held for a run of pairs, so that a pass
// allocates nothing per pair.
//
// The layout is that of a fused input projection: qkv holds Batch*T rows
// of 3*Heads*Dim values, the query, key and value of one position side by
// side, head j's columns at j*Dim within each third. out (and its
// gradient) holds Batch*T rows of Heads*Dim values, the heads side by
// side, and the weights w are [Batch, Heads, T, T].

// Heads describes multi-head self-attention over a batch of sequences in
// the layout above.
type Heads struct {
	Batch, T, Heads, Dim int     // sequences, positions, heads, values per head
	Scale                float32 // of the scores, usually 1/sqrt(Dim)
	// Causal lets query i see keys 0..i only: the later keys' scores are
	// -Inf, their weights 0.
	Causal bool
}

// SelfAttention sets out to softmax(h.Scale Q K^T) V for every sequence
// and head of qkv, and w to the softmax weights, which SelfAttentionGrad
// needs. A row of weights is the softmax of its scores as SoftmaxRows
// computes it.
func SelfAttention(out, w, qkv []float32, h Heads) { selfAttention(activeKernel, out, w, qkv, h) }

// SelfAttentionGrad sets dqkv to the gradient with respect to qkv of
// SelfAttention's out for h, given its gradient g and the weights w it
// returned.
func SelfAttentionGrad(dqkv, g, w, qkv []float32, h Heads) {
	selfAttentionGrad(activeKernel, dqkv, g, w, qkv, h)
}

// e returns the width of the heads side by side.
func (h Heads) e() int { return h.Heads * h.Dim }

// q, k, v and o return the offsets of the query, key, value and output
// blocks of sequence s and head j; rows are 3e (q, k, v) and e (o) apart.
func (h Heads) q(s, j int) int { return s*h.T*3*h.e() + j*h.Dim }
func (h Heads) k(s, j int) int { return h.q(s, j) + h.e() }
func (h Heads) v(s, j int) int { return h.q(s, j) + 2*h.e() }
func (h Heads) o(s, j int) int { return s*h.T*h.e() + j*h.Dim }

// weights returns the weight block of sequence s and head j.
func (h Heads) weights(w []float32, s, j int) []float32 {
	i := s*h.Heads + j
	return w[i*h.T*h.T : (i+1)*h.T*h.T]
}

// check panics unless the sizes are non-negative and the output-shaped
// (o), weight-shaped (w) and qkv-shaped slices are long enough for them.
func (h Heads) check(op string, o, w, qkv []float32) {
	if h.Batch < 0 || h.T < 0 || h.Heads < 0 || h.Dim < 0 {
		panic(fmt.Sprintf("kernel: %s: negative size in %+v", op, h))
	}
	no, nw := h.Batch*h.T*h.e(), h.Batch*h.Heads*h.T*h.T
	if len(o) < no || len(w) < nw || len(qkv) < 3*no {
		panic(fmt.Sprintf("kernel: %s: lengths %d, %d, %d, want at least %d, %d, %d for %+v",
			op, len(o), len(w), len(qkv), no, nw, 3*no, h))
	}
}

func selfAttention(kern *gemmKernel, out, w, qkv []float32, h Heads) {
	h.check("SelfAttention", out, w, qkv)
	t, ld := h.T, 3*h.e()
	inf := float32(math.Inf(-1))
	forPairs(h, 2*t*t*h.Dim, directScratch(kern, max(t, h.Dim)), func(s, j int, buf []float32) {
		wp := h.weights(w, s, j)
		smallProduct(kern, t, t, h.Dim, h.Scale, qkv[h.q(s, j):], ld, 1, qkv[h.k(s, j):], 1, ld, wp, t, buf)
		for r := 0; r < t; r++ {
			row := wp[r*t : (r+1)*t]
			if h.Causal {
				Fill(row[r+1:], inf)
			}
			softmaxRow(row, row, nil)
		}
		smallProduct(kern, t, h.Dim, t, 1, wp, t, 1, qkv[h.v(s, j):], ld, 1, out[h.o(s, j):], h.e(), buf)
	})
}

// selfAttentionGrad needs no mask: the weights of hidden keys are 0, and
// so are the gradients of their scores.
func selfAttentionGrad(kern *gemmKernel, dqkv, g, w, qkv []float32, h Heads) {
	h.check("SelfAttentionGrad", g, w, qkv)
	h.check("SelfAttentionGrad", g, w, dqkv)
	t, dh, e, ld := h.T, h.Dim, h.e(), 3*h.e()
	forPairs(h, 4*t*t*dh, t*t+directScratch(kern, max(t, dh)), func(s, j int, buf []float32) {
		wp := h.weights(w, s, j)
		ds, pk := buf[:t*t], buf[t*t:]
		q, k, v, o := h.q(s, j), h.k(s, j), h.v(s, j), h.o(s, j)
		// dW = G V^T, dV = W^T G.
		smallProduct(kern, t, t, dh, 1, g[o:], e, 1, qkv[v:], 1, ld, ds, t, pk)
		smallProduct(kern, t, dh, t, 1, wp, 1, t, g[o:], e, 1, dqkv[v:], ld, pk)
		for r := 0; r < t; r++ {
			softmaxGradRow(ds[r*t:(r+1)*t], ds[r*t:(r+1)*t], wp[r*t:(r+1)*t])
		}
		// With dS the gradient of the scaled scores: dQ = s dS K, dK = s dS^T Q.
		smallProduct(kern, t, dh, t, h.Scale, ds, t, 1, qkv[k:], ld, 1, dqkv[q:], ld, pk)
		smallProduct(kern, t, dh, t, h.Scale, ds, 1, t, qkv[q:], ld, 1, dqkv[k:], ld, pk)
	})
}

// forPairs runs f on every (sequence s, head j) pair of h with a scratch
// buffer of size values, on the calling goroutine or, when the pass holds
// enough work (pairWork multiply-adds a pair), in runs of pairs that the
// threads claim as they come free, each with a buffer of its own.
func forPairs(h Heads, pairWork, size int, f func(s, j int, buf []float32)) {
	pairs := h.Batch * h.Heads
	runs := 1
	if threads := Threads(); threads > 1 && pairs*pairWork >= parallelMinWork {
		runs = min(pairs, threads*chunksPerThread)
	}
	parallelFor(runs, func(r int) {
		buf := getBuf(size)
		for p := r * pairs / runs; p < (r+1)*pairs/runs; p++ {
			f(p/h.Heads, p%h.Heads, buf)
		}
		putBuf(buf)
	})
}

// smallProduct sets the m-by-n matrix C (row stride ldc) to alpha*A*B on
// the calling goroutine, where A(i,p) = a[i*rsa+p*csa] and B(p,j) =
// b[p*rsb+j*csb], as gemmDirect does, with its scratch in buf
// (directScratch values for depth k). It keeps kern for products
// narrower than its tile: a masked tile of kern, which reads its rows of
// A in place, costs less here than a narrower kernel's padded rows.
func smallProduct(kern *gemmKernel, m, n, k int, alpha float32, a []float32, rsa, csa int, b []float32, rsb, csb int, c []float32, ldc int, buf []float32) {
	p := gemmArgs{m: m, n: n, k: k, alpha: alpha, a: a, b: b, c: c, rsa: rsa, csa: csa, rsb: rsb, csb: csb, rsc: ldc, csc: 1}
	if k == 0 {
		p.scaleC()
		return
	}
	p.directPartIn(kern, 0, m, 0, n, buf)
}
