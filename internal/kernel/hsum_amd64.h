// LANES adds the 32 float32 lanes of the YMM accumulators A0-A3 into the
// low lane of A0 (X_A0 its low half) in one fixed order, the sums' bits
// depending on it; A1-A3 are overwritten, X_T is scratch. Sum's and Dot's
// AVX2 loops and LayerNorm's row sums end with it.
#define LANES(A0, A1, A2, A3, X_A0, X_T) \
	VADDPS       A1, A0, A0 \
	VADDPS       A3, A2, A2 \
	VADDPS       A2, A0, A0 \
	VEXTRACTF128 $1, A0, X_T \
	VADDPS       X_T, X_A0, X_A0 \
	VPERMILPS    $0xb1, X_A0, X_T \
	VADDPS       X_T, X_A0, X_A0 \
	VMOVHLPS     X_A0, X_A0, X_T \
	VADDSS       X_T, X_A0, X_A0
