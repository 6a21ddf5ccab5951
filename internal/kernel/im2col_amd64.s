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

// Lanes 0, 16, 1, 17, ..., 7, 23: the first 16 values of two vectors
// interleaved (plus 8, the last 16).
DATA phasezip<>+0(SB)/8, $0x0000001000000000
DATA phasezip<>+8(SB)/8, $0x0000001100000001
DATA phasezip<>+16(SB)/8, $0x0000001200000002
DATA phasezip<>+24(SB)/8, $0x0000001300000003
DATA phasezip<>+32(SB)/8, $0x0000001400000004
DATA phasezip<>+40(SB)/8, $0x0000001500000005
DATA phasezip<>+48(SB)/8, $0x0000001600000006
DATA phasezip<>+56(SB)/8, $0x0000001700000007
GLOBL phasezip<>(SB), RODATA|NOPTR, $64

// PHASEARGS loads the arguments of the phase loops: DI the phases (R12
// bytes apart), SI the plane (R11 bytes a row), R8 the phase rows, R9
// the values per phase row, K1-K3 the masks of a row's last step, Z6
// and Z7 the even and odd (split) or first and last zip lanes (merge).
#define PHASEARGS(IDX, ADD) \
	MOVQ         ph_base+0(FP), DI \
	MOVQ         span+24(FP), R12 \
	SHLQ         $2, R12 \
	MOVQ         plane_base+32(FP), SI \
	MOVQ         w+56(FP), R11 \
	SHLQ         $2, R11 \
	MOVQ         oh+64(FP), R8 \
	MOVQ         ow+72(FP), R9 \
	MOVL         m1+80(FP), AX \
	KMOVW        AX, K1 \
	MOVL         m2+84(FP), AX \
	KMOVW        AX, K2 \
	MOVL         m3+88(FP), AX \
	KMOVW        AX, K3 \
	VMOVDQU32    IDX(SB), Z6 \
	MOVL         $ADD, AX \
	VPBROADCASTD AX, Z7 \
	VPADDD       Z6, Z7, Z7

// PHASES runs FULL on each whole step of 16 phase values and TAIL on the
// last 1 to 16 of every phase row: first over the even plane rows 2r
// (phases 0 and 1), then, from the arguments again, over the odd ones
// 2r+1 (phases 2 and 3). AX walks the plane row and BX phase 2a's row;
// R13 counts the rows left and R10 the passes.
#define PHASES(FULL, TAIL) \
	TESTQ R8, R8 \
	JEQ   done \
	MOVQ  $2, R10 \
pass: \
	MOVQ  R8, R13 \
row: \
	MOVQ  SI, AX \
	MOVQ  DI, BX \
	MOVQ  R9, CX \
full: \
	CMPQ  CX, $16 \
	JBE   tail \
	FULL \
	ADDQ  $128, AX \
	ADDQ  $64, BX \
	SUBQ  $16, CX \
	JMP   full \
tail: \
	TAIL \
	LEAQ  (SI)(R11*2), SI \
	LEAQ  (DI)(R9*4), DI \
	DECQ  R13 \
	JNE   row \
	MOVQ  plane_base+32(FP), SI \
	ADDQ  R11, SI \
	MOVQ  ph_base+0(FP), DI \
	LEAQ  (DI)(R12*2), DI \
	DECQ  R10 \
	JNE   pass \
done: \
	VZEROUPPER \
	RET

// Split: 32 plane values give 16 even ones to phase 2a and 16 odd ones to
// phase 2a+1. K2 and K3 mask the last step's loads, K1 its stores.
#define SPLITFULL \
	VMOVUPS   (AX), Z0 \
	VMOVUPS   64(AX), Z1 \
	VMOVAPS   Z0, Z2 \
	VPERMT2PS Z1, Z6, Z0 \
	VPERMT2PS Z1, Z7, Z2 \
	VMOVUPS   Z0, (BX) \
	VMOVUPS   Z2, (BX)(R12*1)

#define SPLITTAIL \
	VMOVUPS.Z (AX), K2, Z0 \
	VMOVUPS.Z 64(AX), K3, Z1 \
	VMOVAPS   Z0, Z2 \
	VPERMT2PS Z1, Z6, Z0 \
	VPERMT2PS Z1, Z7, Z2 \
	VMOVUPS   Z0, K1, (BX) \
	VMOVUPS   Z2, K1, (BX)(R12*1)

// Merge: 16 values of phase 2a and 16 of phase 2a+1, interleaved, add
// into 32 plane values. K1 masks the last step's phase loads, K2 and K3
// its plane values; the second half is left out when K3 is empty, so
// that no store reaches past the row.
#define MERGEFULL \
	VMOVUPS   (BX), Z0 \
	VMOVUPS   (BX)(R12*1), Z1 \
	VMOVAPS   Z0, Z2 \
	VPERMT2PS Z1, Z6, Z0 \
	VPERMT2PS Z1, Z7, Z2 \
	VADDPS    (AX), Z0, Z0 \
	VADDPS    64(AX), Z2, Z2 \
	VMOVUPS   Z0, (AX) \
	VMOVUPS   Z2, 64(AX)

#define MERGETAIL \
	VMOVUPS.Z (BX), K1, Z0 \
	VMOVUPS.Z (BX)(R12*1), K1, Z1 \
	VMOVAPS   Z0, Z2 \
	VPERMT2PS Z1, Z6, Z0 \
	VMOVUPS.Z (AX), K2, Z3 \
	VADDPS    Z3, Z0, Z0 \
	VMOVUPS   Z0, K2, (AX) \
	KORTESTW  K3, K3 \
	JEQ       merged \
	VPERMT2PS Z1, Z7, Z2 \
	VMOVUPS.Z 64(AX), K3, Z3 \
	VADDPS    Z3, Z2, Z2 \
	VMOVUPS   Z2, K3, 64(AX) \
merged:

// func phaseSplitAVX512(ph []float32, span int, plane []float32, w, oh, ow int, m1, m2, m3 uint32)
TEXT ·phaseSplitAVX512(SB), NOSPLIT, $0-92
	PHASEARGS(·evenLanes, 1) // block_amd64.s
	PHASES(SPLITFULL, SPLITTAIL)

// func phaseMergeAVX512(ph []float32, span int, plane []float32, w, oh, ow int, m1, m2, m3 uint32)
TEXT ·phaseMergeAVX512(SB), NOSPLIT, $0-92
	PHASEARGS(phasezip<>, 8)
	PHASES(MERGEFULL, MERGETAIL)

// MergeSet: as Merge, the interleaved phases stored in place of the plane
// values.
#define MERGESETFULL \
	VMOVUPS   (BX), Z0 \
	VMOVUPS   (BX)(R12*1), Z1 \
	VMOVAPS   Z0, Z2 \
	VPERMT2PS Z1, Z6, Z0 \
	VPERMT2PS Z1, Z7, Z2 \
	VMOVUPS   Z0, (AX) \
	VMOVUPS   Z2, 64(AX)

#define MERGESETTAIL \
	VMOVUPS.Z (BX), K1, Z0 \
	VMOVUPS.Z (BX)(R12*1), K1, Z1 \
	VMOVAPS   Z0, Z2 \
	VPERMT2PS Z1, Z6, Z0 \
	VPERMT2PS Z1, Z7, Z2 \
	VMOVUPS   Z0, K2, (AX) \
	VMOVUPS   Z2, K3, 64(AX)

// func phaseMergeSetAVX512(ph []float32, span int, plane []float32, w, oh, ow int, m1, m2, m3 uint32)
TEXT ·phaseMergeSetAVX512(SB), NOSPLIT, $0-92
	PHASEARGS(phasezip<>, 8)
	PHASES(MERGESETFULL, MERGESETTAIL)
