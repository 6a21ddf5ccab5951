package kernel

import "fmt"

// Multi-head self-attention (Vaswani et al. 2017, section 3.2) one
// (sequence, head) pair at a time. A pair's score block is T-by-T, a few
// KiB for the sequences of the models here, so the scores, their softmax
// and the mix of the values are computed while the block is in cache,
// instead of in passes over the weights of every pair; each product is
// packed whole into a scratch buffer held for a run of pairs and handed to
// the micro-kernel, so that a pass allocates nothing per pair.
//
// The layout is that of a fused input projection: qkv holds batch*t rows
// of 3*heads*dh values, the query, key and value of one position side by
// side, head j's columns at j*dh within each third. out (and its gradient)
// holds batch*t rows of heads*dh values, the heads side by side, and the
// weights w are [batch, heads, t, t].

// SelfAttention sets out to softmax(scale Q K^T) V for every sequence and
// head of qkv, and w to the softmax weights, which SelfAttentionGrad
// needs. A row of weights is the softmax of its scores as SoftmaxRows
// computes it.
func SelfAttention(out, w, qkv []float32, batch, t, heads, dh int, scale float32) {
	selfAttention(activeKernel, out, w, qkv, batch, t, heads, dh, scale)
}

// SelfAttentionGrad sets dqkv to the gradient with respect to qkv of
// SelfAttention's out, given its gradient g and the weights w it returned.
func SelfAttentionGrad(dqkv, g, w, qkv []float32, batch, t, heads, dh int, scale float32) {
	selfAttentionGrad(activeKernel, dqkv, g, w, qkv, batch, t, heads, dh, scale)
}

// headView locates the operands of one (sequence, head) pair in the
// layout above.
type headView struct {
	t, dh, e int // positions, values per head, heads*dh
}

// q, k, v and o return the offsets of the pair's query, key, value and
// output blocks for sequence s and head j; rows are 3e (q, k, v) and e
// (o) apart.
func (h headView) q(s, j int) int { return s*h.t*3*h.e + j*h.dh }
func (h headView) k(s, j int) int { return h.q(s, j) + h.e }
func (h headView) v(s, j int) int { return h.q(s, j) + 2*h.e }
func (h headView) o(s, j int) int { return s*h.t*h.e + j*h.dh }

// checkAttention panics unless the sizes are non-negative and the
// output-shaped (o), weight-shaped (w) and qkv-shaped slices are long
// enough for them.
func checkAttention(op string, o, w, qkv []float32, batch, t, heads, dh int) headView {
	if batch < 0 || t < 0 || heads < 0 || dh < 0 {
		panic(fmt.Sprintf("kernel: %s: negative size batch=%d t=%d heads=%d dh=%d", op, batch, t, heads, dh))
	}
	hv := headView{t: t, dh: dh, e: heads * dh}
	if len(o) < batch*t*hv.e || len(w) < batch*heads*t*t || len(qkv) < batch*t*3*hv.e {
		panic(fmt.Sprintf("kernel: %s: lengths %d, %d, %d, want at least %d, %d, %d for batch=%d t=%d heads=%d dh=%d",
			op, len(o), len(w), len(qkv), batch*t*hv.e, batch*heads*t*t, batch*t*3*hv.e, batch, t, heads, dh))
	}
	return hv
}

func selfAttention(kern *gemmKernel, out, w, qkv []float32, batch, t, heads, dh int, scale float32) {
	hv := checkAttention("SelfAttention", out, w, qkv, batch, t, heads, dh)
	forPairs(batch, heads, 2*t*t*dh, directScratch(kern, max(t, dh)), func(s, j int, buf []float32) {
		wp := w[(s*heads+j)*t*t : (s*heads+j+1)*t*t]
		smallProduct(kern, t, t, dh, scale, qkv[hv.q(s, j):], 3*hv.e, 1, qkv[hv.k(s, j):], 1, 3*hv.e, wp, t, buf)
		for r := 0; r < t; r++ {
			softmaxRow(wp[r*t:(r+1)*t], wp[r*t:(r+1)*t], nil)
		}
		smallProduct(kern, t, dh, t, 1, wp, t, 1, qkv[hv.v(s, j):], 3*hv.e, 1, out[hv.o(s, j):], hv.e, buf)
	})
}

func selfAttentionGrad(kern *gemmKernel, dqkv, g, w, qkv []float32, batch, t, heads, dh int, scale float32) {
	hv := checkAttention("SelfAttentionGrad", g, w, qkv, batch, t, heads, dh)
	checkAttention("SelfAttentionGrad", g, w, dqkv, batch, t, heads, dh)
	ld := 3 * hv.e
	forPairs(batch, heads, 4*t*t*dh, t*t+directScratch(kern, max(t, dh)), func(s, j int, buf []float32) {
		wp := w[(s*heads+j)*t*t : (s*heads+j+1)*t*t]
		ds, pk := buf[:t*t], buf[t*t:]
		q, k, v, o := hv.q(s, j), hv.k(s, j), hv.v(s, j), hv.o(s, j)
		// dW = G V^T, dV = W^T G.
		smallProduct(kern, t, t, dh, 1, g[o:], hv.e, 1, qkv[v:], 1, ld, ds, t, pk)
		smallProduct(kern, t, dh, t, 1, wp, 1, t, g[o:], hv.e, 1, dqkv[v:], ld, pk)
		for r := 0; r < t; r++ {
			softmaxGradRow(ds[r*t:(r+1)*t], ds[r*t:(r+1)*t], wp[r*t:(r+1)*t])
		}
		// With dS the gradient of the scaled scores: dQ = s dS K, dK = s dS^T Q.
		smallProduct(kern, t, dh, t, scale, ds, t, 1, qkv[k:], ld, 1, dqkv[q:], ld, pk)
		smallProduct(kern, t, dh, t, scale, ds, 1, t, qkv[q:], ld, 1, dqkv[k:], ld, pk)
	})
}

// forPairs runs f on every (sequence, head) pair with a scratch buffer of
// size values, on the calling goroutine or, when the pass holds enough
// work (pairWork multiply-adds a pair), in runs of pairs that the threads
// claim as they come free, each with a buffer of its own.
func forPairs(batch, heads, pairWork, size int, f func(s, j int, buf []float32)) {
	pairs := batch * heads
	runs := 1
	if threads := Threads(); threads > 1 && pairs*pairWork >= parallelMinWork {
		runs = min(pairs, threads*chunksPerThread)
	}
	parallelFor(runs, func(r int) {
		buf := getBuf(size)
		for p := r * pairs / runs; p < (r+1)*pairs/runs; p++ {
			f(p/heads, p%heads, buf)
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
