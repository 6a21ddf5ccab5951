package kernel

import "golang.org/x/sys/cpu"

// The loops behind the element-wise maps: the AVX-512 assembly
// (elementwise_amd64.s, exp_amd64.s) where the CPU has it, else the
// portable Go loops.
var (
	addVV      = pick(addVVAVX512, addVVGo)
	subVV      = pick(subVVAVX512, subVVGo)
	mulVV      = pick(mulVVAVX512, mulVVGo)
	divVV      = pick(divVVAVX512, divVVGo)
	addVS      = pick(addVSAVX512, addVSGo)
	mulVS      = pick(mulVSAVX512, mulVSGo)
	axpyVS     = pick(axpyAVX512, axpyGo)
	expVec     = pick(expAVX512, expGo)
	logVec     = pick(logAVX512, logGo)
	sigmoidVec = pick(sigmoidAVX512, sigmoidGo)
	siluVec    = pick(siluAVX512, siluGo)
	tanhVec    = pick(tanhAVX512, tanhGo)
	softplusV  = pick(softplusAVX512, softplusGo)
	sigmoidGV  = pick(sigmoidGradAVX512, sigmoidGradGo)
	tanhGV     = pick(tanhGradAVX512, tanhGradGo)
	reluGV     = pick(reluGradAVX512, reluGradGo)
	siluGV     = pick(siluGradAVX512, siluGradGo)
	leakyVec   = pick(leakyAVX512, leakyGo)
	leakyGV    = pick(leakyGradAVX512, leakyGradGo)
	adamVec    = pick(adamAVX512, adamPlain)
)

// pick returns fast where the CPU has AVX-512, else portable.
func pick[F any](fast, portable F) F {
	if cpu.X86.HasAVX512F {
		return fast
	}
	return portable
}

// The assembly loops read len(dst) values of each operand; the callers
// check the lengths.

//go:noescape
func addVVAVX512(dst, x, y []float32)

//go:noescape
func subVVAVX512(dst, x, y []float32)

//go:noescape
func mulVVAVX512(dst, x, y []float32)

//go:noescape
func divVVAVX512(dst, x, y []float32)

//go:noescape
func addVSAVX512(dst, x []float32, s float32)

//go:noescape
func mulVSAVX512(dst, x []float32, s float32)

//go:noescape
func axpyAVX512(dst, x []float32, s float32)

//go:noescape
func expAVX512(dst, x []float32)

//go:noescape
func logAVX512(dst, x []float32)

//go:noescape
func sigmoidAVX512(dst, x []float32)

//go:noescape
func siluAVX512(dst, x []float32)

//go:noescape
func tanhAVX512(dst, x []float32)

//go:noescape
func softplusAVX512(dst, x []float32)

//go:noescape
func sigmoidGradAVX512(dst, x, y []float32)

//go:noescape
func tanhGradAVX512(dst, x, y []float32)

//go:noescape
func reluGradAVX512(dst, x, y []float32)

//go:noescape
func siluGradAVX512(dst, x, y []float32)

//go:noescape
func leakyAVX512(dst, x []float32, s float32)

//go:noescape
func leakyGradAVX512(dst, x, y []float32, s float32)

//go:noescape
func adamAVX512(x, g, m, v []float32, s *AdamStep)
