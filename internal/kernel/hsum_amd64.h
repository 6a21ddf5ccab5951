// HSUM4Y leaves in X0 the float32 sum of the lanes of the accumulators
// Y0 to Y3, added in one fixed order (the sums' bits depend on it);
// Y1 to Y3 are overwritten.
#define HSUM4Y \
	VADDPS       Y1, Y0, Y0 \
	VADDPS       Y3, Y2, Y2 \
	VADDPS       Y2, Y0, Y0 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS       X1, X0, X0 \
	VPERMILPS    $0xb1, X0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVHLPS     X0, X0, X1 \
	VADDSS       X1, X0, X0
