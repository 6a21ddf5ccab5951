package kernel

import (
	"cmp"
	"fmt"
	"math"
)

// Multi-head attention (Vaswani et al. 2017, section 3.2) one (sequence,
// head) pair at a time. A pair's score block is T-by-Keys, a few KiB for
// the sequences of the models here, so the scores, their softmax and the
// mix of the values are computed while the block is in cache, instead of
// in passes over the weights of every pair. Each product runs the
// micro-kernel as Sgemm's direct path does, reading the operands in place
// where it can, with scratch held for a run of pairs, so that a pass
// allocates nothing per pair.
//
// The layouts are those of the input projections, heads side by side:
// head j's values are columns j*Dim.. of a projection. For self-attention
// qkv holds Batch*T rows of 3*Heads*Dim values, the query, key and value
// of one position side by side; for attention to other keys q holds
// Batch*T rows of Heads*Dim values and kv Batch*Keys rows of 2*Heads*Dim,
// the key and value of one position side by side. out (and its gradient)
// holds Batch*T rows of Heads*Dim values and the weights w are [Batch,
// Heads, T, Keys].

// Heads describes multi-head attention over a batch of sequences.
type Heads struct {
	Batch, T, Heads, Dim int // sequences, query positions, heads, values per head
	// Keys is the number of key positions per sequence; 0 means T (as
	// it must be for self-attention).
	Keys  int
	Scale float32 // of the scores, usually 1/sqrt(Dim)
	// Causal lets query i see keys 0..i only: the later keys' scores are
	// -Inf, their weights 0.
	Causal bool
}

// SelfAttention sets out to softmax(h.Scale Q K^T) V for every sequence
// and head of qkv, and w to the softmax weights, which SelfAttentionGrad
// needs. A row of weights is the softmax of its scores as SoftmaxRows
// computes it.
func SelfAttention(out, w, qkv []float32, h Heads) {
	h.check("SelfAttention", out, w, qkv, nil)
	attend(activeKernel, out, w, h.selfOperands(qkv), h)
}

// SelfAttentionGrad sets dqkv to the gradient with respect to qkv of
// SelfAttention's out for h, given its gradient g and the weights w it
// returned.
func SelfAttentionGrad(dqkv, g, w, qkv []float32, h Heads) {
	h.check("SelfAttentionGrad", g, w, qkv, nil)
	h.check("SelfAttentionGrad", g, w, dqkv, nil)
	attendGrad(activeKernel, h.selfOperands(dqkv), g, w, h.selfOperands(qkv), h)
}

// Attention sets out to softmax(h.Scale Q K^T) V for the queries q and the
// keys and values kv of every sequence and head, and w to the softmax
// weights, which AttentionGrad needs.
func Attention(out, w, q, kv []float32, h Heads) {
	h.check("Attention", out, w, q, kv)
	attend(activeKernel, out, w, h.crossOperands(q, kv), h)
}

// AttentionGrad sets dq and dkv to the gradients with respect to q and kv
// of Attention's out for h, given its gradient g and the weights w it
// returned.
func AttentionGrad(dq, dkv, g, w, q, kv []float32, h Heads) {
	h.check("AttentionGrad", g, w, q, kv)
	h.check("AttentionGrad", g, w, dq, dkv)
	attendGrad(activeKernel, h.crossOperands(dq, dkv), g, w, h.crossOperands(q, kv), h)
}

// operands locates the queries, keys and values: head j of sequence s
// starts at offset s*T*ldq + j*Dim of q and s*Keys*ldkv + j*Dim of k and
// v, whose rows are ldq and ldkv apart.
type operands struct {
	q, k, v   []float32
	ldq, ldkv int
}

func (h Heads) selfOperands(qkv []float32) operands {
	e := h.e()
	return operands{q: qkv, k: from(qkv, e), v: from(qkv, 2*e), ldq: 3 * e, ldkv: 3 * e}
}

func (h Heads) crossOperands(q, kv []float32) operands {
	return operands{q: q, k: kv, v: from(kv, h.e()), ldq: h.e(), ldkv: 2 * h.e()}
}

// from returns x[off:], or an empty slice when x is shorter.
func from(x []float32, off int) []float32 { return x[min(off, len(x)):] }

// e returns the width of the heads side by side; keys the number of key
// positions.
func (h Heads) e() int    { return h.Heads * h.Dim }
func (h Heads) keys() int { return cmp.Or(h.Keys, h.T) }

// check panics unless the sizes are non-negative and the output-shaped
// (o) and weight-shaped (w) slices and the operands, qkv (kv nil) or q
// and kv, are long enough for them.
func (h Heads) check(op string, o, w, q, kv []float32) {
	if h.Batch < 0 || h.T < 0 || h.Heads < 0 || h.Dim < 0 || h.Keys < 0 || kv == nil && h.keys() != h.T {
		panic(fmt.Sprintf("kernel: %s: invalid sizes %+v", op, h))
	}
	no, nw, nq, nkv := h.Batch*h.T*h.e(), h.Batch*h.Heads*h.T*h.keys(), 3*h.Batch*h.T*h.e(), 0
	if kv != nil {
		nq, nkv = no, 2*h.Batch*h.keys()*h.e()
	}
	if len(o) < no || len(w) < nw || len(q) < nq || len(kv) < nkv {
		panic(fmt.Sprintf("kernel: %s: lengths %d, %d, %d, %d, want at least %d, %d, %d, %d for %+v",
			op, len(o), len(w), len(q), len(kv), no, nw, nq, nkv, h))
	}
}

func attend(kern *gemmKernel, out, w []float32, x operands, h Heads) {
	t, nk, dh, e := h.T, h.keys(), h.Dim, h.e()
	inf := float32(math.Inf(-1))
	forPairs(h, 2*t*nk*dh, productScratch(kern, max(nk, dh)), func(s, j int, buf []float32) {
		wp := w[(s*h.Heads+j)*t*nk : (s*h.Heads+j+1)*t*nk]
		oq, okv := s*t*x.ldq+j*dh, s*nk*x.ldkv+j*dh
		smallProduct(kern, t, nk, dh, h.Scale, x.q[oq:], x.ldq, 1, x.k[okv:], 1, x.ldkv, wp, nk, buf)
		for r := 0; h.Causal && r+1 < nk && r < t; r++ {
			Fill(wp[r*nk+r+1:(r+1)*nk], inf)
		}
		softmaxBlock(wp, nk)
		smallProduct(kern, t, dh, nk, 1, wp, nk, 1, x.v[okv:], x.ldkv, 1, out[s*t*e+j*dh:], e, buf)
	})
}

// attendGrad writes the gradients into d, laid out as x. It needs no
// mask: the weights of hidden keys are 0, and so are the gradients of
// their scores.
func attendGrad(kern *gemmKernel, d operands, g, w []float32, x operands, h Heads) {
	t, nk, dh, e := h.T, h.keys(), h.Dim, h.e()
	forPairs(h, 4*t*nk*dh, t*nk+productScratch(kern, max(t, nk, dh)), func(s, j int, buf []float32) {
		wp := w[(s*h.Heads+j)*t*nk : (s*h.Heads+j+1)*t*nk]
		ds, pk := buf[:t*nk], buf[t*nk:]
		oq, okv, og := s*t*x.ldq+j*dh, s*nk*x.ldkv+j*dh, s*t*e+j*dh
		// dW = G V^T, dV = W^T G.
		smallProduct(kern, t, nk, dh, 1, g[og:], e, 1, x.v[okv:], 1, x.ldkv, ds, nk, pk)
		smallProduct(kern, nk, dh, t, 1, wp, 1, nk, g[og:], e, 1, d.v[okv:], x.ldkv, pk)
		softmaxGradBlock(ds, wp, nk)
		// With dS the gradient of the scaled scores: dQ = s dS K, dK = s dS^T Q.
		smallProduct(kern, t, dh, nk, h.Scale, ds, nk, 1, x.k[okv:], x.ldkv, 1, d.q[oq:], x.ldq, pk)
		smallProduct(kern, nk, dh, t, h.Scale, ds, 1, nk, x.q[oq:], x.ldq, 1, d.k[okv:], x.ldkv, pk)
	})
}

// forPairs runs f on every (sequence s, head j) pair of h with a scratch
// buffer of size values, on the calling goroutine or, when the pass holds
// enough work (pairWork multiply-adds a pair), in runs of pairs that the
// threads claim as they come free, each with a buffer of its own.
func forPairs(h Heads, pairWork, size int, f func(s, j int, buf []float32)) {
	pairs := h.Batch * h.Heads
	runs := 1
	if threads := Threads(); threads > 1 && pairs*pairWork >= ParallelMinWork {
		runs = min(pairs, parts(threads))
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
// b[p*rsb+j*csb], with its scratch in buf (productScratch values for
// depth k): in one call for the shapes headProduct takes, else as
// gemmDirect does. It keeps kern for products narrower than its tile: a
// masked tile of kern, which reads its rows of A in place, costs less
// here than a narrower kernel's padded rows.
func smallProduct(kern *gemmKernel, m, n, k int, alpha float32, a []float32, rsa, csa int, b []float32, rsb, csb int, c []float32, ldc int, buf []float32) {
	if headProduct(kern, m, n, k, alpha, a, rsa, csa, b, rsb, csb, c, ldc, buf) {
		return
	}
	p := gemmArgs{m: m, n: n, k: k, alpha: alpha, a: a, b: b, c: c, rsa: rsa, csa: csa, rsb: rsb, csb: csb, rsc: ldc, csc: 1}
	if k == 0 {
		p.scaleC()
		return
	}
	p.directPartIn(kern, 0, m, 0, n, buf)
}

// productScratch is the scratch smallProduct needs for depth k: that of
// gemmDirect, or a copy of B (k by at most 64) for headProduct.
func productScratch(kern *gemmKernel, k int) int { return max(directScratch(kern, k), 64*k) }
