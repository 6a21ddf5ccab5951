#include "textflag.h"

// The products of one (sequence, head) pair of attention, AVX-512: C =
// alpha A B for C of 64 columns (four vectors a row, four rows at a time:
// the scores of 64 keys) or 16 columns (one vector a row, eight rows at a
// time: heads of 16 values), each row block summed over all k steps in
// its accumulators and stored at once. A(i,p) is a[i*rsa+p*csa], read in
// place at any strides; row p of B starts at b[p*rsb]. Each value of C is
// the fused multiply-adds of its products in the order of p, from 0, then
// times alpha, as the micro-kernels of gemm_amd64.s compute it.

// HEADARGS loads the arguments: DI = a, R8 = rsa and R9 = csa in bytes,
// BX = b, R11 = rsb in bytes, DX = c, R10 = ldc in bytes, Z20 = alpha.
#define HEADARGS \
	MOVQ         a+8(FP), DI \
	MOVQ         rsa+16(FP), R8 \
	SHLQ         $2, R8 \
	MOVQ         csa+24(FP), R9 \
	SHLQ         $2, R9 \
	MOVQ         b+32(FP), BX \
	MOVQ         rsb+40(FP), R11 \
	SHLQ         $2, R11 \
	MOVQ         c+48(FP), DX \
	MOVQ         ldc+56(FP), R10 \
	SHLQ         $2, R10 \
	VBROADCASTSS alpha+72(FP), Z20

#define ZERO4(r0, r1, r2, r3) \
	VPXORD r0, r0, r0 \
	VPXORD r1, r1, r1 \
	VPXORD r2, r2, r2 \
	VPXORD r3, r3, r3

// FMA4 adds the broadcast A value at addr times the four B vectors
// Z16-Z19 to r0-r3.
#define FMA4(addr, r0, r1, r2, r3) \
	VBROADCASTSS addr, Z21 \
	VFMADD231PS  Z16, Z21, r0 \
	VFMADD231PS  Z17, Z21, r1 \
	VFMADD231PS  Z18, Z21, r2 \
	VFMADD231PS  Z19, Z21, r3

// PUT4 stores a row of four vectors times alpha at R12,
// then step R12 to the next row of C.
#define PUT4(r0, r1, r2, r3) \
	VMULPS  Z20, r0, r0 \
	VMULPS  Z20, r1, r1 \
	VMULPS  Z20, r2, r2 \
	VMULPS  Z20, r3, r3 \
	VMOVUPS r0, (R12) \
	VMOVUPS r1, 64(R12) \
	VMOVUPS r2, 128(R12) \
	VMOVUPS r3, 192(R12) \
	ADDQ    R10, R12


// func headGemm64(k int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc, rows int, alpha float32)
//
// rows is a multiple of 4 and k at least 1. R12 and R13 walk rows 0 and
// 3 of A's block.
TEXT ·headGemm64(SB), NOSPLIT, $0-76
	HEADARGS
	MOVQ rows+64(FP), AX

h64block:
	CMPQ AX, $4
	JB   h64done
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	ZERO4(Z8, Z9, Z10, Z11)
	ZERO4(Z12, Z13, Z14, Z15)
	MOVQ DI, R12
	LEAQ (DI)(R8*2), R13
	ADDQ R8, R13
	MOVQ BX, SI
	MOVQ k+0(FP), CX

h64step:
	VMOVUPS (SI), Z16
	VMOVUPS 64(SI), Z17
	VMOVUPS 128(SI), Z18
	VMOVUPS 192(SI), Z19
	FMA4((R12), Z0, Z1, Z2, Z3)
	FMA4((R12)(R8*1), Z4, Z5, Z6, Z7)
	FMA4((R12)(R8*2), Z8, Z9, Z10, Z11)
	FMA4((R13), Z12, Z13, Z14, Z15)
	ADDQ R9, R12
	ADDQ R9, R13
	ADDQ R11, SI
	DECQ CX
	JNZ  h64step

	MOVQ DX, R12
	PUT4(Z0, Z1, Z2, Z3)
	PUT4(Z4, Z5, Z6, Z7)
	PUT4(Z8, Z9, Z10, Z11)
	PUT4(Z12, Z13, Z14, Z15)
	LEAQ (DI)(R8*4), DI
	LEAQ (DX)(R10*4), DX
	SUBQ $4, AX
	JMP  h64block

h64done:
	VZEROUPPER
	RET

// FMA1 adds the broadcast A value at addr times Z16 to r.
#define FMA1(addr, r) \
	VBROADCASTSS addr, Z21 \
	VFMADD231PS  Z16, Z21, r

// PUT1 stores a row of one vector times alpha at R12, then steps R12 to
// the next row of C.
#define PUT1(r) \
	VMULPS  Z20, r, r \
	VMOVUPS r, (R12) \
	ADDQ    R10, R12

// func headGemm16(k int, a *float32, rsa, csa int, b *float32, rsb int, c *float32, ldc, rows int, alpha float32)
//
// C of 16 columns, eight rows at a time: rows is a multiple of 8 and k
// at least 1. R12, R13 and R14 walk rows 0, 3 and 6 of A's block.
TEXT ·headGemm16(SB), NOSPLIT, $0-76
	HEADARGS
	MOVQ rows+64(FP), AX

h16block:
	CMPQ AX, $8
	JB   h16done
	ZERO4(Z0, Z1, Z2, Z3)
	ZERO4(Z4, Z5, Z6, Z7)
	MOVQ DI, R12
	LEAQ (DI)(R8*2), R13
	ADDQ R8, R13
	LEAQ (R13)(R8*2), R14
	ADDQ R8, R14
	MOVQ BX, SI
	MOVQ k+0(FP), CX

h16step:
	VMOVUPS (SI), Z16
	FMA1((R12), Z0)
	FMA1((R12)(R8*1), Z1)
	FMA1((R12)(R8*2), Z2)
	FMA1((R13), Z3)
	FMA1((R13)(R8*1), Z4)
	FMA1((R13)(R8*2), Z5)
	FMA1((R14), Z6)
	FMA1((R14)(R8*1), Z7)
	ADDQ R9, R12
	ADDQ R9, R13
	ADDQ R9, R14
	ADDQ R11, SI
	DECQ CX
	JNZ  h16step

	MOVQ DX, R12
	PUT1(Z0)
	PUT1(Z1)
	PUT1(Z2)
	PUT1(Z3)
	PUT1(Z4)
	PUT1(Z5)
	PUT1(Z6)
	PUT1(Z7)
	LEAQ (DI)(R8*8), DI
	LEAQ (DX)(R10*8), DX
	SUBQ $8, AX
	JMP  h16block

h16done:
	VZEROUPPER
	RET
