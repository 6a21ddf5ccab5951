package kernel

// The masked copies of the phase path (im2col_phase.go) in assembly; each
// reads len(dst) values of x and mask.

//go:noescape
func keepVVAVX512(dst, x, y []float32)

//go:noescape
func addKeepVVAVX512(dst, x, y []float32)

//go:noescape
func keepVVAVX2(dst, x, y []float32)

//go:noescape
func addKeepVVAVX2(dst, x, y []float32)

// phaseSplitAVX512 and phaseMergeAVX512 are phaseSplit and phaseMerge
// with the masks of a phase row's last step: m1 its phase values, m2 and
// m3 its first and second 16 plane values.
//
//go:noescape
func phaseSplitAVX512(ph []float32, span int, plane []float32, w, oh, ow int, m1, m2, m3 uint32)

//go:noescape
func phaseMergeAVX512(ph []float32, span int, plane []float32, w, oh, ow int, m1, m2, m3 uint32)

//go:noescape
func phaseMergeSetAVX512(ph []float32, span int, plane []float32, w, oh, ow int, m1, m2, m3 uint32)
