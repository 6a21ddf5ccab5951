#include "textflag.h"

// Lane numbers times two (the even lanes of a pair of vectors), then plus
// one (the odd lanes).
DATA evenlanes<>+0(SB)/8, $0x0000000200000000
DATA evenlanes<>+8(SB)/8, $0x0000000600000004
DATA evenlanes<>+16(SB)/8, $0x0000000a00000008
DATA evenlanes<>+24(SB)/8, $0x0000000e0000000c
DATA evenlanes<>+32(SB)/8, $0x0000001200000010
DATA evenlanes<>+40(SB)/8, $0x0000001600000014
DATA evenlanes<>+48(SB)/8, $0x0000001a00000018
DATA evenlanes<>+56(SB)/8, $0x0000001e0000001c
GLOBL evenlanes<>(SB), RODATA|NOPTR, $64

// LOWBITS sets K to the lowest n bits, n = CX clamped to [0, 16]; it uses
// AX and DX.
#define LOWBITS(K) \
	MOVQ    $16, DX \
	CMPQ    CX, DX \
	CMOVQGT DX, CX \
	XORL    DX, DX \
	CMPQ    CX, $0 \
	CMOVQLT DX, CX \
	MOVL    $1, AX \
	SHLL    CX, AX \
	DECL    AX \
	KMOVW   AX, K

// A window's candidate in Z(v) replaces the running maximum Z4 where it is
// strictly larger (so the first of equal values wins), and its offset in
// the window Z(off) replaces the running offset Z8.
#define TAKE(v, off) \
	VCMPPS    $0x1e, Z4, v, K4 \
	VMOVAPS   v, K4, Z4 \
	VMOVDQA32 off, K4, Z8

// NONAN adds to K6 the lanes of Z(v) that hold NaN.
#define NONAN(v) \
	VCMPPS $3, v, v, K5 \
	KORW   K5, K6, K6

// func maxPool2x2AVX512(dst, idx, plane []float32, w, oh, ow int) bool
//
// 2x2 windows at stride 2 of a NaN-free plane of width w, 16 windows of an
// output row per step: the two input rows are loaded as 32 values each and
// split into even and odd columns, the four taps are compared in window
// order, and the position (top row + column + offset) is converted to
// float32. It reports false, with dst and idx partly written, if a window
// holds a NaN (which the comparisons would miss). DI walks dst, R8 idx; R12 is the first plane value of the
// output row, R13 the first window of the step and BX its output index.
TEXT ·maxPool2x2AVX512(SB), NOSPLIT, $0-97
	MOVQ         dst_base+0(FP), DI
	MOVQ         idx_base+24(FP), R8
	MOVQ         plane_base+48(FP), SI
	MOVQ         w+72(FP), R9
	MOVQ         oh+80(FP), R10
	MOVQ         ow+88(FP), R11
	TESTQ        R10, R10
	JEQ          done
	TESTQ        R11, R11
	JEQ          done
	VMOVDQU32    evenlanes<>(SB), Z20
	MOVL         $1, AX
	VPBROADCASTD AX, Z23
	VPADDD       Z23, Z20, Z21
	VPBROADCASTD R9, Z24
	VPADDD       Z23, Z24, Z25
	XORQ         R12, R12
	XORQ         BX, BX
	KXORW        K6, K6, K6

row:
	XORQ R13, R13

step:
	MOVQ    R11, CX
	SUBQ    R13, CX
	LOWBITS(K1)
	MOVQ    R11, CX
	SUBQ    R13, CX
	SHLQ    $1, CX
	LOWBITS(K2)
	MOVQ    R11, CX
	SUBQ    R13, CX
	SHLQ    $1, CX
	SUBQ    $16, CX
	LOWBITS(K3)
	LEAQ    (R12)(R13*2), AX
	LEAQ    (SI)(AX*4), CX
	LEAQ    (CX)(R9*4), DX
	VMOVUPS.Z (CX), K2, Z0
	VMOVUPS.Z 64(CX), K3, Z1
	VMOVUPS.Z (DX), K2, Z2
	VMOVUPS.Z 64(DX), K3, Z3
	NONAN(Z0)
	NONAN(Z1)
	NONAN(Z2)
	NONAN(Z3)
	VMOVDQA32 Z20, Z4
	VPERMI2PS Z1, Z0, Z4
	VMOVDQA32 Z21, Z5
	VPERMI2PS Z1, Z0, Z5
	VMOVDQA32 Z20, Z6
	VPERMI2PS Z3, Z2, Z6
	VMOVDQA32 Z21, Z7
	VPERMI2PS Z3, Z2, Z7
	VPXORD    Z8, Z8, Z8
	TAKE(Z5, Z23)
	TAKE(Z6, Z24)
	TAKE(Z7, Z25)
	VPBROADCASTD AX, Z9
	VPADDD    Z20, Z9, Z9
	VPADDD    Z8, Z9, Z9
	VCVTDQ2PS Z9, Z9
	LEAQ      (BX)(R13*1), AX
	VMOVUPS   Z4, K1, (DI)(AX*4)
	VMOVUPS   Z9, K1, (R8)(AX*4)
	ADDQ      $16, R13
	CMPQ      R13, R11
	JLT       step

	ADDQ R11, BX
	LEAQ (R12)(R9*2), R12
	DECQ R10
	JNE  row

done:
	KMOVW K6, AX
	TESTL AX, AX
	SETEQ ret+96(FP)
	VZEROUPPER
	RET
