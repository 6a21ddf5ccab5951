#include "textflag.h"

// Micro-kernels for kernelAVX512 and kernelAVX2 (see gemm_amd64.go and
// microKernel in gemm_driver.go). All keep a tile of C in registers, load
// one row of B per step as two vectors, broadcast one element of A per row
// and accumulate with fused multiply-adds; at the end they scale the tile
// by alpha (unless it is 1), add the bias (cbias, one value a column, or
// rbias, one a row, where not nil) and add beta*C unless beta is 0. The AVX-512
// kernels (12, 8 or 4 rows of 32 columns) also store partial tiles: only
// the first rows rows, and of each only the columns set in mask, are read
// and written.
//
// Registers: AX, R10, R11, R12 point at rows 0, 3, 6, 9 of A (rows in
// between are reached by R9 = row stride in bytes, scale 1 and 2); R13 is
// A's step along k in bytes, BX the row of B and R14 its stride in bytes.
// Row i of the tile accumulates in Z(8+2i) and Z(9+2i).

#define ZARGS \
	MOVQ kc+0(FP), CX \
	MOVQ a+8(FP), AX \
	MOVQ rsa+16(FP), R9 \
	SHLQ $2, R9 \
	MOVQ csa+24(FP), R13 \
	SHLQ $2, R13 \
	MOVQ b+32(FP), BX \
	MOVQ rsb+40(FP), R14 \
	SHLQ $2, R14 \
	LEAQ (AX)(R9*2), R10 \
	ADDQ R9, R10 \
	LEAQ (R10)(R9*2), R11 \
	ADDQ R9, R11 \
	LEAQ (R11)(R9*2), R12 \
	ADDQ R9, R12 \
	MOVQ c+48(FP), R8 \
	MOVQ ldc+56(FP), DI \
	SHLQ $2, DI

// Start fetching the tile of C early; it is needed only after the loop.
#define PREFETCHROW(last) \
	PREFETCHT0 (R8) \
	PREFETCHT0 last(R8) \
	ADDQ       DI, R8

#define ZPREFETCH4 \
	PREFETCHROW(124) \
	PREFETCHROW(124) \
	PREFETCHROW(124) \
	PREFETCHROW(124)

#define ZZERO4(r0, r1, r2, r3, r4, r5, r6, r7) \
	VPXORD r0, r0, r0 \
	VPXORD r1, r1, r1 \
	VPXORD r2, r2, r2 \
	VPXORD r3, r3, r3 \
	VPXORD r4, r4, r4 \
	VPXORD r5, r5, r5 \
	VPXORD r6, r6, r6 \
	VPXORD r7, r7, r7

#define ZROW(addr, t, c0, c1) \
	VBROADCASTSS addr, t \
	VFMADD231PS  Z0, t, c0 \
	VFMADD231PS  Z1, t, c1

#define ZLOADB \
	VMOVUPS (BX), Z0 \
	VMOVUPS 64(BX), Z1

#define ZADVANCE \
	ADDQ R13, AX \
	ADDQ R13, R10 \
	ADDQ R13, R11 \
	ADDQ R13, R12 \
	ADDQ R14, BX

#define ZROWS0TO3 \
	ZROW((AX), Z2, Z8, Z9) \
	ZROW((AX)(R9*1), Z3, Z10, Z11) \
	ZROW((AX)(R9*2), Z4, Z12, Z13) \
	ZROW((R10), Z5, Z14, Z15)

#define ZROWS4TO7 \
	ZROW((R10)(R9*1), Z6, Z16, Z17) \
	ZROW((R10)(R9*2), Z7, Z18, Z19) \
	ZROW((R11), Z2, Z20, Z21) \
	ZROW((R11)(R9*1), Z3, Z22, Z23)

#define ZROWS8TO11 \
	ZROW((R11)(R9*2), Z4, Z24, Z25) \
	ZROW((R12), Z5, Z26, Z27) \
	ZROW((R12)(R9*1), Z6, Z28, Z29) \
	ZROW((R12)(R9*2), Z7, Z30, Z31)

#define ZSTEP12 \
	ZLOADB \
	ZROWS0TO3 \
	ZROWS4TO7 \
	ZROWS8TO11 \
	ZADVANCE

#define ZSTEP8 \
	ZLOADB \
	ZROWS0TO3 \
	ZROWS4TO7 \
	ZADVANCE

#define ZSTEP4 \
	ZLOADB \
	ZROWS0TO3 \
	ZADVANCE

// ZNEXTA points SI at the next 12 rows of A, which the next tile of C
// reads, when A is read in place and its rows lie one after the other (a
// dense A, kc floats a row), and otherwise sets it to 0. The 12-row loop
// then fetches 48 bytes of them per step, the 0.75*kc cache lines of
// those rows in kc steps, so that the next tile does not start by
// waiting on memory for each of its rows: with a short k, as in a
// transformer's products (k = 128), those waits cost about a fifth of
// the time of a product whose A is not in cache. Packed panels are read
// in order and A read transposed shares its cache lines with the next
// tile; the hardware prefetchers serve both.
#define ZNEXTA \
	XORQ SI, SI \
	CMPQ R13, $4 \
	JNE  z_nextdone \
	LEAQ (SI)(CX*4), DX \
	CMPQ DX, R9 \
	JNE  z_nextdone \
	LEAQ (R9)(R9*2), SI \
	SHLQ $2, SI \
	ADDQ AX, SI \
z_nextdone:

// ZAHEAD sets up ZSTEP12AHEAD for an A read transposed in place (its 12
// rows are 12 floats side by side; packed panels excepted), a strided
// walk along k whose every step reads a new cache line of A and, unless
// B is packed, new lines of B: SI and R8 are 16 steps of A and of B in
// bytes, and each step fetches the lines that step 16 ahead reads.
#define ZAHEAD \
	MOVQ R13, SI \
	SHLQ $4, SI \
	MOVQ R14, R8 \
	SHLQ $4, R8

#define ZSTEP12AHEAD \
	PREFETCHT0 (AX)(SI*1) \
	PREFETCHT0 44(AX)(SI*1) \
	PREFETCHT0 (BX)(R8*1) \
	PREFETCHT0 64(BX)(R8*1) \
	ZSTEP12

// ZLOOPSETUP splits kc (CX) into DX groups of four steps and CX single ones.
#define ZLOOPSETUP \
	MOVQ  CX, DX \
	SHRQ  $2, DX \
	ANDQ  $3, CX

#define ZSCALE4(r0, r1, r2, r3, r4, r5, r6, r7) \
	VMULPS Z0, r0, r0 \
	VMULPS Z0, r1, r1 \
	VMULPS Z0, r2, r2 \
	VMULPS Z0, r3, r3 \
	VMULPS Z0, r4, r4 \
	VMULPS Z0, r5, r5 \
	VMULPS Z0, r6, r6 \
	VMULPS Z0, r7, r7

// ZEPILOGUE leaves C's address in CX, beta broadcast in Z1, beta's bits
// without the sign in DX, the row count in R8 and the column mask in R9,
// after loading alpha into Z0 and comparing it with 1 (JEQ skips scaling).
#define ZEPILOGUE \
	MOVQ         c+48(FP), CX \
	VBROADCASTSS beta+68(FP), Z1 \
	MOVL         beta+68(FP), DX \
	SHLL         $1, DX \
	MOVQ         rows+72(FP), R8 \
	MOVL         mask+80(FP), R9 \
	VBROADCASTSS alpha+64(FP), Z0 \
	MOVL         alpha+64(FP), AX \
	CMPL         AX, $0x3f800000

// A partial tile: K1 holds the columns of the first vector, K2 those of
// the second; R8 counts the rows left. Masked-off lanes are neither read
// nor written.
#define ZMASKS \
	KMOVD    R9, K1 \
	KSHIFTRD $16, K1, K2

#define ZUPDM(c0, c1) \
	VMOVUPS.Z   (CX), K1, Z2 \
	VMOVUPS.Z   64(CX), K2, Z3 \
	VFMADD231PS Z2, Z1, c0 \
	VFMADD231PS Z3, Z1, c1 \
	VMOVUPS     c0, K1, (CX) \
	VMOVUPS     c1, K2, 64(CX) \
	ADDQ        DI, CX \
	DECQ        R8 \
	JZ          z_done

#define ZPUTM(c0, c1) \
	VMOVUPS c0, K1, (CX) \
	VMOVUPS c1, K2, 64(CX) \
	ADDQ    DI, CX \
	DECQ    R8 \
	JZ      z_done

// ZBIASCOLS loads the bias on columns, if any, into Z2 and Z3 (under
// the column mask in R9) for ZCBIAS4, and otherwise jumps to ZBIASROWS's
// test of the bias on rows, whose values ZRBIAS4 adds from R10; both end
// at z_biased.
#define ZBIASCOLS \
	MOVQ      cbias+88(FP), R10 \
	TESTQ     R10, R10 \
	JZ        z_rowbias \
	KMOVD     R9, K3 \
	KSHIFTRD  $16, K3, K4 \
	VMOVUPS.Z (R10), K3, Z2 \
	VMOVUPS.Z 64(R10), K4, Z3

#define ZBIASROWS \
	JMP   z_biased \
z_rowbias: \
	MOVQ  rbias+96(FP), R10 \
	TESTQ R10, R10 \
	JZ    z_biased

#define ZCBIAS(c0, c1) \
	VADDPS Z2, c0, c0 \
	VADDPS Z3, c1, c1

#define ZCBIAS4(r0, r1, r2, r3, r4, r5, r6, r7) \
	ZCBIAS(r0, r1) \
	ZCBIAS(r2, r3) \
	ZCBIAS(r4, r5) \
	ZCBIAS(r6, r7)

#define ZRBIAS(off, c0, c1) \
	VBROADCASTSS off(R10), Z2 \
	VADDPS       Z2, c0, c0 \
	VADDPS       Z2, c1, c1

#define ZRBIAS4(off, r0, r1, r2, r3, r4, r5, r6, r7) \
	ZRBIAS(off, r0, r1) \
	ZRBIAS(off+4, r2, r3) \
	ZRBIAS(off+8, r4, r5) \
	ZRBIAS(off+12, r6, r7)

#define ZUPDM4(r0, r1, r2, r3, r4, r5, r6, r7) \
	ZUPDM(r0, r1) \
	ZUPDM(r2, r3) \
	ZUPDM(r4, r5) \
	ZUPDM(r6, r7)

#define ZPUTM4(r0, r1, r2, r3, r4, r5, r6, r7) \
	ZPUTM(r0, r1) \
	ZPUTM(r2, r3) \
	ZPUTM(r4, r5) \
	ZPUTM(r6, r7)

// ZLOOP12 runs the k loop of the 12-row kernels, step being one step of
// the sum and ahead that step fetching 16 steps ahead (ZAHEAD): four steps
// at a time fetching the next tile's rows of A (ZNEXTA), fetching ahead
// along an A read transposed in place, or plainly, then the steps left.
// It ends at z_store.
#define ZLOOP12(step, ahead) \
	ZNEXTA \
	ZLOOPSETUP \
	TESTQ DX, DX \
	JZ    z_tail \
	TESTQ SI, SI \
	JNZ   z_loop4next \
	CMPQ  R9, $4 \
	JNE   z_loop4 \
	CMPQ  R13, $48 \
	JEQ   z_loop4 \
	ZAHEAD \
z_loop4ahead: \
	ahead \
	ahead \
	ahead \
	ahead \
	DECQ DX \
	JNZ  z_loop4ahead \
	JMP  z_tail \
z_loop4next: \
	step \
	step \
	PREFETCHT0 (SI) \
	PREFETCHT0 64(SI) \
	step \
	step \
	PREFETCHT0 128(SI) \
	ADDQ       $192, SI \
	DECQ       DX \
	JNZ        z_loop4next \
	JMP        z_tail \
z_loop4: \
	step \
	step \
	step \
	step \
	DECQ DX \
	JNZ  z_loop4 \
z_tail: \
	TESTQ CX, CX \
	JZ    z_store \
z_loop1: \
	step \
	DECQ CX \
	JNZ  z_loop1 \
z_store:

// func sgemm12x32(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)
TEXT ·sgemm12x32(SB), NOSPLIT, $0-104
	ZARGS
	ZPREFETCH4
	ZPREFETCH4
	ZPREFETCH4
	ZZERO4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZZERO4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZZERO4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	ZLOOP12(ZSTEP12, ZSTEP12AHEAD)
	ZEPILOGUE
	JEQ z_scaled
	ZSCALE4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZSCALE4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZSCALE4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)

z_scaled:
	ZBIASCOLS
	ZCBIAS4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZCBIAS4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZCBIAS4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	ZBIASROWS
	ZRBIAS4(0, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZRBIAS4(16, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZRBIAS4(32, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)

z_biased:
	CMPQ R8, $12
	JNE  z_partial
	CMPL R9, $-1
	JNE  z_partial
	// beta == 0 (either sign) overwrites C without reading it.
	TESTL DX, DX
	JZ    z_overwrite

#define ZUPD(c0, c1) \
	VFMADD231PS (CX), Z1, c0 \
	VFMADD231PS 64(CX), Z1, c1 \
	VMOVUPS     c0, (CX) \
	VMOVUPS     c1, 64(CX) \
	ADDQ        DI, CX

	ZUPD(Z8, Z9)
	ZUPD(Z10, Z11)
	ZUPD(Z12, Z13)
	ZUPD(Z14, Z15)
	ZUPD(Z16, Z17)
	ZUPD(Z18, Z19)
	ZUPD(Z20, Z21)
	ZUPD(Z22, Z23)
	ZUPD(Z24, Z25)
	ZUPD(Z26, Z27)
	ZUPD(Z28, Z29)
	ZUPD(Z30, Z31)
	VZEROUPPER
	RET

z_overwrite:
#define ZPUT(c0, c1) \
	VMOVUPS c0, (CX) \
	VMOVUPS c1, 64(CX) \
	ADDQ    DI, CX

	ZPUT(Z8, Z9)
	ZPUT(Z10, Z11)
	ZPUT(Z12, Z13)
	ZPUT(Z14, Z15)
	ZPUT(Z16, Z17)
	ZPUT(Z18, Z19)
	ZPUT(Z20, Z21)
	ZPUT(Z22, Z23)
	ZPUT(Z24, Z25)
	ZPUT(Z26, Z27)
	ZPUT(Z28, Z29)
	ZPUT(Z30, Z31)
	VZEROUPPER
	RET

z_partial:
	ZMASKS
	TESTL DX, DX
	JZ    z_overwrite_partial
	ZUPDM4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZUPDM4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZUPDM4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	VZEROUPPER
	RET

z_overwrite_partial:
	ZPUTM4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZPUTM4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZPUTM4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)

z_done:
	VZEROUPPER
	RET

// func sgemm12x16(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)
//
// sgemm12x32 for a tile of at most 16 columns, at about half the cost:
// one vector of B a step, row i of the tile in Z(8+2i) alone. The odd
// registers stay zero and the store is sgemm12x32's, masked (the column
// mask leaves the second vector of each row out).
#define ZROWH(addr, t, c0) \
	VBROADCASTSS addr, t \
	VFMADD231PS  Z0, t, c0

#define ZSTEP12H \
	VMOVUPS (BX), Z0 \
	ZROWH((AX), Z2, Z8) \
	ZROWH((AX)(R9*1), Z3, Z10) \
	ZROWH((AX)(R9*2), Z4, Z12) \
	ZROWH((R10), Z5, Z14) \
	ZROWH((R10)(R9*1), Z6, Z16) \
	ZROWH((R10)(R9*2), Z7, Z18) \
	ZROWH((R11), Z2, Z20) \
	ZROWH((R11)(R9*1), Z3, Z22) \
	ZROWH((R11)(R9*2), Z4, Z24) \
	ZROWH((R12), Z5, Z26) \
	ZROWH((R12)(R9*1), Z6, Z28) \
	ZROWH((R12)(R9*2), Z7, Z30) \
	ZADVANCE

#define ZSTEP12HAHEAD \
	PREFETCHT0 (AX)(SI*1) \
	PREFETCHT0 44(AX)(SI*1) \
	PREFETCHT0 (BX)(R8*1) \
	ZSTEP12H

TEXT ·sgemm12x16(SB), NOSPLIT, $0-104
	ZARGS
	ZPREFETCH4
	ZPREFETCH4
	ZPREFETCH4
	ZZERO4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZZERO4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZZERO4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	ZLOOP12(ZSTEP12H, ZSTEP12HAHEAD)
	ZEPILOGUE
	JEQ z_scaled
	ZSCALE4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZSCALE4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZSCALE4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)

z_scaled:
	ZBIASCOLS
	ZCBIAS4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZCBIAS4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZCBIAS4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	ZBIASROWS
	ZRBIAS4(0, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZRBIAS4(16, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZRBIAS4(32, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)

z_biased:
	ZMASKS
	TESTL DX, DX
	JZ    z_overwrite_partial
	ZUPDM4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZUPDM4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZUPDM4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	VZEROUPPER
	RET

z_overwrite_partial:
	ZPUTM4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZPUTM4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZPUTM4(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)

z_done:
	VZEROUPPER
	RET

// func sgemm8x32(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)
//
// The first eight rows of sgemm12x32, for tiles of at most eight rows;
// every store is masked.
TEXT ·sgemm8x32(SB), NOSPLIT, $0-104
	ZARGS
	ZPREFETCH4
	ZPREFETCH4
	ZZERO4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZZERO4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZLOOPSETUP
	TESTQ DX, DX
	JZ    z_tail

z_loop4:
	ZSTEP8
	ZSTEP8
	ZSTEP8
	ZSTEP8
	DECQ DX
	JNZ  z_loop4

z_tail:
	TESTQ CX, CX
	JZ    z_store

z_loop1:
	ZSTEP8
	DECQ CX
	JNZ  z_loop1

z_store:
	ZEPILOGUE
	JEQ z_scaled
	ZSCALE4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZSCALE4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)

z_scaled:
	ZBIASCOLS
	ZCBIAS4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZCBIAS4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	ZBIASROWS
	ZRBIAS4(0, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZRBIAS4(16, Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)

z_biased:
	ZMASKS
	TESTL DX, DX
	JZ    z_overwrite_partial
	ZUPDM4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZUPDM4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	VZEROUPPER
	RET

z_overwrite_partial:
	ZPUTM4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZPUTM4(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)

z_done:
	VZEROUPPER
	RET

// func sgemm4x32(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)
//
// The first four rows of sgemm12x32, for tiles of at most four rows;
// every store is masked.
TEXT ·sgemm4x32(SB), NOSPLIT, $0-104
	ZARGS
	ZPREFETCH4
	ZZERO4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZLOOPSETUP
	TESTQ DX, DX
	JZ    z_tail

z_loop4:
	ZSTEP4
	ZSTEP4
	ZSTEP4
	ZSTEP4
	DECQ DX
	JNZ  z_loop4

z_tail:
	TESTQ CX, CX
	JZ    z_store

z_loop1:
	ZSTEP4
	DECQ CX
	JNZ  z_loop1

z_store:
	ZEPILOGUE
	JEQ z_scaled
	ZSCALE4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)

z_scaled:
	ZBIASCOLS
	ZCBIAS4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZBIASROWS
	ZRBIAS4(0, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)

z_biased:
	ZMASKS
	TESTL DX, DX
	JZ    z_overwrite_partial
	ZUPDM4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	VZEROUPPER
	RET

z_overwrite_partial:
	ZPUTM4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)

z_done:
	VZEROUPPER
	RET

// func sgemm6x16(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, cbias, rbias *float32)
TEXT ·sgemm6x16(SB), NOSPLIT, $0-88
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ rsa+16(FP), R9
	SHLQ $2, R9
	MOVQ csa+24(FP), R13
	SHLQ $2, R13
	MOVQ b+32(FP), BX
	MOVQ rsb+40(FP), R14
	SHLQ $2, R14
	LEAQ (AX)(R9*2), R10
	ADDQ R9, R10
	MOVQ c+48(FP), R8
	MOVQ ldc+56(FP), DI
	SHLQ $2, DI
	PREFETCHROW(60)
	PREFETCHROW(60)
	PREFETCHROW(60)
	PREFETCHROW(60)
	PREFETCHROW(60)
	PREFETCHROW(60)

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

#define YROW(addr, t, c0, c1) \
	VBROADCASTSS addr, t \
	VFMADD231PS  Y0, t, c0 \
	VFMADD231PS  Y1, t, c1

#define YSTEP \
	VMOVUPS (BX), Y0 \
	VMOVUPS 32(BX), Y1 \
	YROW((AX), Y2, Y4, Y5) \
	YROW((AX)(R9*1), Y3, Y6, Y7) \
	YROW((AX)(R9*2), Y2, Y8, Y9) \
	YROW((R10), Y3, Y10, Y11) \
	YROW((R10)(R9*1), Y2, Y12, Y13) \
	YROW((R10)(R9*2), Y3, Y14, Y15) \
	ADDQ R13, AX \
	ADDQ R13, R10 \
	ADDQ R14, BX

	MOVQ CX, DX
	SHRQ $2, DX
	ANDQ $3, CX
	TESTQ DX, DX
	JZ   y_tail

y_loop4:
	YSTEP
	YSTEP
	YSTEP
	YSTEP
	DECQ DX
	JNZ  y_loop4

y_tail:
	TESTQ CX, CX
	JZ    y_store

y_loop1:
	YSTEP
	DECQ CX
	JNZ  y_loop1

y_store:
	MOVQ c+48(FP), CX
	MOVL alpha+64(FP), DX
	CMPL DX, $0x3f800000
	JEQ  y_scaled
	VBROADCASTSS alpha+64(FP), Y0
	VMULPS Y0, Y4, Y4
	VMULPS Y0, Y5, Y5
	VMULPS Y0, Y6, Y6
	VMULPS Y0, Y7, Y7
	VMULPS Y0, Y8, Y8
	VMULPS Y0, Y9, Y9
	VMULPS Y0, Y10, Y10
	VMULPS Y0, Y11, Y11
	VMULPS Y0, Y12, Y12
	VMULPS Y0, Y13, Y13
	VMULPS Y0, Y14, Y14
	VMULPS Y0, Y15, Y15

y_scaled:
	MOVQ  cbias+72(FP), R10
	TESTQ R10, R10
	JZ    y_rowbias
	VMOVUPS (R10), Y0
	VMOVUPS 32(R10), Y1

#define YCBIAS(c0, c1) \
	VADDPS Y0, c0, c0 \
	VADDPS Y1, c1, c1

	YCBIAS(Y4, Y5)
	YCBIAS(Y6, Y7)
	YCBIAS(Y8, Y9)
	YCBIAS(Y10, Y11)
	YCBIAS(Y12, Y13)
	YCBIAS(Y14, Y15)
	JMP y_biased

y_rowbias:
	MOVQ  rbias+80(FP), R10
	TESTQ R10, R10
	JZ    y_biased

#define YRBIAS(off, c0, c1) \
	VBROADCASTSS off(R10), Y0 \
	VADDPS       Y0, c0, c0 \
	VADDPS       Y0, c1, c1

	YRBIAS(0, Y4, Y5)
	YRBIAS(4, Y6, Y7)
	YRBIAS(8, Y8, Y9)
	YRBIAS(12, Y10, Y11)
	YRBIAS(16, Y12, Y13)
	YRBIAS(20, Y14, Y15)

y_biased:
	MOVL beta+68(FP), DX
	SHLL $1, DX
	JZ   y_overwrite
	VBROADCASTSS beta+68(FP), Y1

#define YUPD(c0, c1) \
	VFMADD231PS (CX), Y1, c0 \
	VFMADD231PS 32(CX), Y1, c1 \
	VMOVUPS     c0, (CX) \
	VMOVUPS     c1, 32(CX) \
	ADDQ        DI, CX

	YUPD(Y4, Y5)
	YUPD(Y6, Y7)
	YUPD(Y8, Y9)
	YUPD(Y10, Y11)
	YUPD(Y12, Y13)
	YUPD(Y14, Y15)
	VZEROUPPER
	RET

y_overwrite:
#define YPUT(c0, c1) \
	VMOVUPS c0, (CX) \
	VMOVUPS c1, 32(CX) \
	ADDQ    DI, CX

	YPUT(Y4, Y5)
	YPUT(Y6, Y7)
	YPUT(Y8, Y9)
	YPUT(Y10, Y11)
	YPUT(Y12, Y13)
	YPUT(Y14, Y15)
	VZEROUPPER
	RET

// func sdot4x4(k int, a0, a1, a2, a3, b0, b1, b2, b3 *float32, out *[16]float32)
//
// Dot products of four rows of A with four rows of B, all contiguous along
// k (a multiple of 16): Z(4i+j) accumulates a_i.b_j, sixteen lanes at a
// time, and is summed across lanes into out[4i+j] at the end.
TEXT ·sdot4x4(SB), NOSPLIT, $0-80
	MOVQ k+0(FP), CX
	MOVQ a0+8(FP), R8
	MOVQ a1+16(FP), R9
	MOVQ a2+24(FP), R10
	MOVQ a3+32(FP), R11
	MOVQ b0+40(FP), R12
	MOVQ b1+48(FP), R13
	MOVQ b2+56(FP), R14
	MOVQ b3+64(FP), BX
	MOVQ out+72(FP), DI
	SHLQ $2, CX
	XORQ DX, DX

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15

#define DOTCOL(bptr, c0, c1, c2, c3) \
	VMOVUPS     (bptr)(DX*1), Z20 \
	VFMADD231PS Z20, Z16, c0 \
	VFMADD231PS Z20, Z17, c1 \
	VFMADD231PS Z20, Z18, c2 \
	VFMADD231PS Z20, Z19, c3

d_loop:
	CMPQ DX, CX
	JGE  d_reduce
	VMOVUPS (R8)(DX*1), Z16
	VMOVUPS (R9)(DX*1), Z17
	VMOVUPS (R10)(DX*1), Z18
	VMOVUPS (R11)(DX*1), Z19
	DOTCOL(R12, Z0, Z4, Z8, Z12)
	DOTCOL(R13, Z1, Z5, Z9, Z13)
	DOTCOL(R14, Z2, Z6, Z10, Z14)
	DOTCOL(BX, Z3, Z7, Z11, Z15)
	ADDQ $64, DX
	JMP  d_loop

d_reduce:
#define HSUM(z, y, x, off) \
	VEXTRACTF64X4 $1, z, Y16 \
	VADDPS        Y16, y, y \
	VEXTRACTF32X4 $1, y, X16 \
	VADDPS        X16, x, x \
	VHADDPS       x, x, x \
	VHADDPS       x, x, x \
	VMOVSS        x, off(DI)

	HSUM(Z0, Y0, X0, 0)
	HSUM(Z1, Y1, X1, 4)
	HSUM(Z2, Y2, X2, 8)
	HSUM(Z3, Y3, X3, 12)
	HSUM(Z4, Y4, X4, 16)
	HSUM(Z5, Y5, X5, 20)
	HSUM(Z6, Y6, X6, 24)
	HSUM(Z7, Y7, X7, 28)
	HSUM(Z8, Y8, X8, 32)
	HSUM(Z9, Y9, X9, 36)
	HSUM(Z10, Y10, X10, 40)
	HSUM(Z11, Y11, X11, 44)
	HSUM(Z12, Y12, X12, 48)
	HSUM(Z13, Y13, X13, 52)
	HSUM(Z14, Y14, X14, 56)
	HSUM(Z15, Y15, X15, 60)
	VZEROUPPER
	RET

// func sdot8x1(k int, a *float32, lda int, b *float32, out *[8]float32)
//
// Dot products of eight rows of A, lda floats apart, with one vector b,
// all contiguous along k (a multiple of 16): Z(i) accumulates a_i.b
// sixteen lanes at a time and is summed across lanes into out[i].
TEXT ·sdot8x1(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), AX
	MOVQ lda+16(FP), R14
	SHLQ $2, R14
	MOVQ b+24(FP), BX
	MOVQ out+32(FP), DI
	SHLQ $2, CX
	LEAQ (AX)(R14*1), SI
	LEAQ (SI)(R14*1), R8
	LEAQ (R8)(R14*1), R9
	LEAQ (R9)(R14*1), R10
	LEAQ (R10)(R14*1), R11
	LEAQ (R11)(R14*1), R12
	LEAQ (R12)(R14*1), R13
	XORQ DX, DX

	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7

v_loop:
	CMPQ        DX, CX
	JGE         v_reduce
	VMOVUPS     (BX)(DX*1), Z16
	VFMADD231PS (AX)(DX*1), Z16, Z0
	VFMADD231PS (SI)(DX*1), Z16, Z1
	VFMADD231PS (R8)(DX*1), Z16, Z2
	VFMADD231PS (R9)(DX*1), Z16, Z3
	VFMADD231PS (R10)(DX*1), Z16, Z4
	VFMADD231PS (R11)(DX*1), Z16, Z5
	VFMADD231PS (R12)(DX*1), Z16, Z6
	VFMADD231PS (R13)(DX*1), Z16, Z7
	ADDQ        $64, DX
	JMP         v_loop

v_reduce:
	HSUM(Z0, Y0, X0, 0)
	HSUM(Z1, Y1, X1, 4)
	HSUM(Z2, Y2, X2, 8)
	HSUM(Z3, Y3, X3, 12)
	HSUM(Z4, Y4, X4, 16)
	HSUM(Z5, Y5, X5, 20)
	HSUM(Z6, Y6, X6, 24)
	HSUM(Z7, Y7, X7, 28)
	VZEROUPPER
	RET

// func sgemm1x32(kc int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc int, alpha, beta float32, rows int, mask uint32, cbias, rbias *float32)
//
// The first row of sgemm12x32, for tiles of one row: four steps in a row
// accumulate in separate registers (Z8 to Z15), so that the adds of one
// step need not wait for the last, and are summed into Z8 and Z9 at the
// end; every store is masked.
#define ZSTEP1(c0, c1) \
	ZLOADB \
	ZROW((AX), Z2, c0, c1) \
	ADDQ R13, AX \
	ADDQ R14, BX

TEXT ·sgemm1x32(SB), NOSPLIT, $0-104
	ZARGS
	PREFETCHROW(124)
	ZZERO4(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ZLOOPSETUP
	TESTQ DX, DX
	JZ    z_tail

z_loop4:
	ZSTEP1(Z8, Z9)
	ZSTEP1(Z10, Z11)
	ZSTEP1(Z12, Z13)
	ZSTEP1(Z14, Z15)
	DECQ DX
	JNZ  z_loop4

z_tail:
	TESTQ CX, CX
	JZ    z_store

z_loop1:
	ZSTEP1(Z8, Z9)
	DECQ CX
	JNZ  z_loop1

z_store:
	VADDPS Z10, Z8, Z8
	VADDPS Z11, Z9, Z9
	VADDPS Z14, Z12, Z12
	VADDPS Z15, Z13, Z13
	VADDPS Z12, Z8, Z8
	VADDPS Z13, Z9, Z9
	ZEPILOGUE
	JEQ z_scaled
	VMULPS Z0, Z8, Z8
	VMULPS Z0, Z9, Z9

z_scaled:
	ZBIASCOLS
	ZCBIAS(Z8, Z9)
	ZBIASROWS
	ZRBIAS(0, Z8, Z9)

z_biased:
	ZMASKS
	TESTL DX, DX
	JZ    z_overwrite_partial
	ZUPDM(Z8, Z9)
	VZEROUPPER
	RET

z_overwrite_partial:
	ZPUTM(Z8, Z9)

z_done:
	VZEROUPPER
	RET

// func packT16x16(blocks int, src *float32, rs int, dst *float32, width int)
//
// Transposed packing of sixteen rows, each contiguous along k and rs
// floats apart, in blocks of sixteen steps of k: each block loads a 16x16
// square (Z0-Z15), transposes it in registers and stores its columns, the
// values of one step of k for all sixteen rows, width floats apart. The
// transpose interleaves single floats of row pairs, then float pairs of
// pairs of rows, which leaves 4x4 squares in each 128-bit lane, then
// moves those lanes into place with two rounds of VSHUFF32X4.
//
// Registers: SI, AX, BX, R10, R12, R13 point at rows 0, 3, 6, 9, 12, 15;
// R11 is the row stride in bytes, DI the first column's destination, R8
// the column stride in bytes and R9 four times it.
#define TUNPACK(x, y, lo, hi) \
	VUNPCKLPS y, x, lo \
	VUNPCKHPS y, x, hi

#define TPAIRS(a, b, c, d, o0, o1, o2, o3) \
	VUNPCKLPD c, a, o0 \
	VUNPCKHPD c, a, o1 \
	VUNPCKLPD d, b, o2 \
	VUNPCKHPD d, b, o3

// TLANES stores columns c, c+4, c+8 and c+12 from the quarter-squares
// v0..v3 (rows 0-3, 4-7, 8-11, 12-15) at DX, DX+4*stride, R14 and
// R14+4*stride.
#define TLANES(v0, v1, v2, v3) \
	VSHUFF32X4 $0x44, v1, v0, Z16 \
	VSHUFF32X4 $0xEE, v1, v0, Z17 \
	VSHUFF32X4 $0x44, v3, v2, Z18 \
	VSHUFF32X4 $0xEE, v3, v2, Z19 \
	VSHUFF32X4 $0x88, Z18, Z16, Z20 \
	VSHUFF32X4 $0xDD, Z18, Z16, Z21 \
	VSHUFF32X4 $0x88, Z19, Z17, Z22 \
	VSHUFF32X4 $0xDD, Z19, Z17, Z23 \
	VMOVUPS    Z20, (DX) \
	VMOVUPS    Z21, (DX)(R9*1) \
	VMOVUPS    Z22, (R14) \
	VMOVUPS    Z23, (R14)(R9*1) \
	ADDQ       R8, DX \
	ADDQ       R8, R14

TEXT ·packT16x16(SB), NOSPLIT, $0-40
	MOVQ blocks+0(FP), CX
	MOVQ src+8(FP), SI
	MOVQ rs+16(FP), R11
	SHLQ $2, R11
	MOVQ dst+24(FP), DI
	MOVQ width+32(FP), R8
	SHLQ $2, R8
	LEAQ (R8*4), R9
	LEAQ (SI)(R11*2), AX
	ADDQ R11, AX
	LEAQ (AX)(R11*2), BX
	ADDQ R11, BX
	LEAQ (BX)(R11*2), R10
	ADDQ R11, R10
	LEAQ (R10)(R11*2), R12
	ADDQ R11, R12
	LEAQ (R12)(R11*2), R13
	ADDQ R11, R13
	TESTQ CX, CX
	JZ    t_done

t_loop:
	VMOVUPS (SI), Z0
	VMOVUPS (SI)(R11*1), Z1
	VMOVUPS (SI)(R11*2), Z2
	VMOVUPS (AX), Z3
	VMOVUPS (AX)(R11*1), Z4
	VMOVUPS (AX)(R11*2), Z5
	VMOVUPS (BX), Z6
	VMOVUPS (BX)(R11*1), Z7
	VMOVUPS (BX)(R11*2), Z8
	VMOVUPS (R10), Z9
	VMOVUPS (R10)(R11*1), Z10
	VMOVUPS (R10)(R11*2), Z11
	VMOVUPS (R12), Z12
	VMOVUPS (R12)(R11*1), Z13
	VMOVUPS (R12)(R11*2), Z14
	VMOVUPS (R13), Z15

	TUNPACK(Z0, Z1, Z16, Z17)
	TUNPACK(Z2, Z3, Z18, Z19)
	TUNPACK(Z4, Z5, Z20, Z21)
	TUNPACK(Z6, Z7, Z22, Z23)
	TUNPACK(Z8, Z9, Z24, Z25)
	TUNPACK(Z10, Z11, Z26, Z27)
	TUNPACK(Z12, Z13, Z28, Z29)
	TUNPACK(Z14, Z15, Z30, Z31)

	// Z(4q+c) holds column 4L+c of rows 4q..4q+3 in lane L.
	TPAIRS(Z16, Z17, Z18, Z19, Z0, Z1, Z2, Z3)
	TPAIRS(Z20, Z21, Z22, Z23, Z4, Z5, Z6, Z7)
	TPAIRS(Z24, Z25, Z26, Z27, Z8, Z9, Z10, Z11)
	TPAIRS(Z28, Z29, Z30, Z31, Z12, Z13, Z14, Z15)

	MOVQ DI, DX
	LEAQ (DI)(R9*2), R14
	TLANES(Z0, Z4, Z8, Z12)
	TLANES(Z1, Z5, Z9, Z13)
	TLANES(Z2, Z6, Z10, Z14)
	TLANES(Z3, Z7, Z11, Z15)

	ADDQ $64, SI
	ADDQ $64, AX
	ADDQ $64, BX
	ADDQ $64, R10
	ADDQ $64, R12
	ADDQ $64, R13
	LEAQ (DI)(R9*4), DI
	DECQ CX
	JNZ  t_loop

t_done:
	VZEROUPPER
	RET
