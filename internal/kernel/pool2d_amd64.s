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

// The lanes of two vectors a (0-15) and b (16-31) interleaved, a[0] b[0]
// a[1] b[1] ...: the first sixteen, then the last.
DATA interleave<>+0(SB)/8, $0x0000001000000000
DATA interleave<>+8(SB)/8, $0x0000001100000001
DATA interleave<>+16(SB)/8, $0x0000001200000002
DATA interleave<>+24(SB)/8, $0x0000001300000003
DATA interleave<>+32(SB)/8, $0x0000001400000004
DATA interleave<>+40(SB)/8, $0x0000001500000005
DATA interleave<>+48(SB)/8, $0x0000001600000006
DATA interleave<>+56(SB)/8, $0x0000001700000007
DATA interleave<>+64(SB)/8, $0x0000001800000008
DATA interleave<>+72(SB)/8, $0x0000001900000009
DATA interleave<>+80(SB)/8, $0x0000001a0000000a
DATA interleave<>+88(SB)/8, $0x0000001b0000000b
DATA interleave<>+96(SB)/8, $0x0000001c0000000c
DATA interleave<>+104(SB)/8, $0x0000001d0000000d
DATA interleave<>+112(SB)/8, $0x0000001e0000000e
DATA interleave<>+120(SB)/8, $0x0000001f0000000f
GLOBL interleave<>(SB), RODATA|NOPTR, $128

// func unpool2x2AVX512(d, s, idx []float32, w, oh, ow int) bool
//
// The rows 0 to 2*oh-1, columns 0 to 2*ow-1, of a plane d of width w set
// from the oh by ow windows' values s at their positions idx (see
// unpoolPlane), 16 windows of a row per step: each position, converted
// to an integer, less its window's top left corner gives the tap (0, 1,
// w or w+1), whose lanes take 0 + s and the others zero; the top taps
// are interleaved into the window row's upper plane row and the bottom
// ones into its lower. It reports false, with d partly written, if a
// position is not a whole number inside its window. SI walks s, R8 idx;
// R12 is the first plane value of the window row, R13 the first window
// of the step and BX its index in s.
TEXT ·unpool2x2AVX512(SB), NOSPLIT, $0-97
	MOVQ         d_base+0(FP), DI
	MOVQ         s_base+24(FP), SI
	MOVQ         idx_base+48(FP), R8
	MOVQ         w+72(FP), R9
	MOVQ         oh+80(FP), R10
	MOVQ         ow+88(FP), R11
	TESTQ        R10, R10
	JEQ          upok
	TESTQ        R11, R11
	JEQ          upok
	VMOVDQU32    evenlanes<>(SB), Z20
	VMOVDQU32    interleave<>(SB), Z21
	VMOVDQU32    interleave<>+64(SB), Z22
	MOVL         $1, AX
	VPBROADCASTD AX, Z23
	VPBROADCASTD R9, Z24
	VPADDD       Z23, Z24, Z25
	VPXORD       Z29, Z29, Z29
	XORQ         R12, R12
	XORQ         BX, BX

uprow:
	XORQ R13, R13

upstep:
	MOVQ       R11, CX
	SUBQ       R13, CX
	LOWBITS(K1)
	LEAQ       (BX)(R13*1), AX
	VMOVUPS.Z  (SI)(AX*4), K1, Z0
	VMOVUPS.Z  (R8)(AX*4), K1, Z1
	VCVTTPS2DQ Z1, Z2
	VCVTDQ2PS  Z2, Z3
	VCMPPS     $0, Z1, Z3, K1, K4
	LEAQ       (R12)(R13*2), AX
	VPBROADCASTD AX, Z4
	VPADDD     Z20, Z4, Z4
	VPSUBD     Z4, Z2, Z2
	VPCMPEQD   Z29, Z2, K4, K5
	VPCMPEQD   Z23, Z2, K4, K6
	VPCMPEQD   Z24, Z2, K4, K7
	VPCMPEQD   Z25, Z2, K4, K3
	KORW       K5, K6, K2
	KORW       K7, K2, K2
	KORW       K3, K2, K2
	KXORW      K1, K2, K2
	KORTESTW   K2, K2
	JNE        upfail
	VADDPS     Z29, Z0, Z0
	VMOVAPS.Z  Z0, K5, Z5
	VMOVAPS.Z  Z0, K6, Z6
	VMOVAPS.Z  Z0, K7, Z7
	VMOVAPS.Z  Z0, K3, Z8
	VMOVDQA32  Z21, Z9
	VPERMI2PS  Z6, Z5, Z9
	VMOVDQA32  Z22, Z10
	VPERMI2PS  Z6, Z5, Z10
	VMOVDQA32  Z21, Z11
	VPERMI2PS  Z8, Z7, Z11
	VMOVDQA32  Z22, Z12
	VPERMI2PS  Z8, Z7, Z12
	MOVQ       R11, CX
	SUBQ       R13, CX
	SHLQ       $1, CX
	LOWBITS(K2)
	MOVQ       R11, CX
	SUBQ       R13, CX
	SHLQ       $1, CX
	SUBQ       $16, CX
	LOWBITS(K3)
	LEAQ       (R12)(R13*2), AX
	LEAQ       (DI)(AX*4), CX
	LEAQ       (CX)(R9*4), DX
	VMOVUPS    Z9, K2, (CX)
	VMOVUPS    Z10, K3, 64(CX)
	VMOVUPS    Z11, K2, (DX)
	VMOVUPS    Z12, K3, 64(DX)
	ADDQ       $16, R13
	CMPQ       R13, R11
	JLT        upstep

	ADDQ R11, BX
	LEAQ (R12)(R9*2), R12
	DECQ R10
	JNE  uprow

upok:
	MOVB $1, ret+96(FP)
	VZEROUPPER
	RET

upfail:
	MOVB $0, ret+96(FP)
	VZEROUPPER
	RET
