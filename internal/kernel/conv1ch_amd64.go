package kernel

// The loops of conv9 at each level; the portable level has none and
// leaves these products to the general ones.
var (
	conv9AVX512 = &conv9Loops{width: 16, fwd: conv9FwdAVX512, bwd: conv9BwdAVX512, bwdScaled: conv9BwdScaledAVX512}
	conv9AVX2   = &conv9Loops{width: 8, fwd: conv9FwdAVX2, bwd: conv9BwdAVX2, bwdScaled: conv9BwdScaledAVX2}
)

//go:noescape
func conv9FwdAVX512(blocks int, cols *float32, ldc int, wt, bias *float32, groups int, y *float32, ldy int)

//go:noescape
func conv9BwdAVX512(blocks int, gy *float32, ldg int, wt *float32, o int, cols *float32, ldc int)

//go:noescape
func conv9FwdAVX2(blocks int, cols *float32, ldc int, wt, bias *float32, groups int, y *float32, ldy int)

//go:noescape
func conv9BwdAVX2(blocks int, gy *float32, ldg int, wt *float32, o int, cols *float32, ldc int)

//go:noescape
func conv9BwdScaledAVX512(blocks int, gy *float32, ldg int, s *float32, wt *float32, o int, cols *float32, ldc int)

//go:noescape
func conv9BwdScaledAVX2(blocks int, gy *float32, ldg int, s *float32, wt *float32, o int, cols *float32, ldc int)
