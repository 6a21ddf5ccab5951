#include "textflag.h"
#include "elementwise_amd64.h"
#include "elementwise_avx2_amd64.h"

// The masked copies of the phase path: x AND the mask y (all bits or
// none), stored (keep) or added to dst (addKeep).

#define KEEP LOAD2; VPANDD Z1, Z0, Z8; STORE

#define ADDKEEP \
	LOAD2 \
	VPANDD    Z1, Z0, Z0 \
	VMOVUPS.Z (DI), K1, Z2 \
	VADDPS    Z0, Z2, Z8 \
	STORE

// func keepVVAVX512(dst, x, y []float32)
TEXT ·keepVVAVX512(SB), NOSPLIT, $0-72
	MAP(ARGS2, KEEP)

// func addKeepVVAVX512(dst, x, y []float32)
TEXT ·addKeepVVAVX512(SB), NOSPLIT, $0-72
	MAP(ARGS2, ADDKEEP)

#define YKEEP YLOAD2; VANDPS Y1, Y0, Y8

#define YADDKEEP \
	YLOAD2 \
	VANDPS     Y1, Y0, Y0 \
	VMASKMOVPS (DI), Y15, Y2 \
	VADDPS     Y0, Y2, Y8

// func keepVVAVX2(dst, x, y []float32)
TEXT ·keepVVAVX2(SB), NOSPLIT, $0-72
	YMAP(ARGS2, YKEEP)

// func addKeepVVAVX2(dst, x, y []float32)
TEXT ·addKeepVVAVX2(SB), NOSPLIT, $0-72
	YMAP(ARGS2, YADDKEEP)
