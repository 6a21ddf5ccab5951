#include "textflag.h"

// func winoTileAVX512(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32)
//
// The 2-D transform of one 5x5 tile of vectors (see winoTransform):
// out(i, j) = sum over k, l of t(i, k) t(j, l) in(k, l), t a 5x5
// matrix, row-major; vector (k, l) of the input at in + k*irs + l*ics,
// of the output at out + i*ors + j*ocs (strides in floats), 16 lanes at
// a time, the last step masked. The row pass leaves the 25 intermediate
// vectors in Z0-Z24 (Z(5k+j): row k through t's row j); the column pass
// sums each output in Z30 and stores it. Each vector is a chain of fused
// multiply-adds from zero in the order of t's columns, so it rounds as
// winoCombine's adds, subtractions and scaled adds do. Smaller matrices
// are padded with zeros, and their tiles to 5x5 by the callers: masking
// off the loads and stores past a smaller tile's instead made stores
// that later loads wait on (AT's 4x4 outputs read back: 11 times
// slower on Zen 4).
//
// Registers: CX lanes left, SI and DI the current 16 lanes of in and
// out, R8-R11 the strides in bytes, DX t, AX a row of in, BX a column
// of out, R14 an output; K1 the lanes.

// COMB sets o to the sum of t's row at byte offset off times Z25-Z29.
#define COMB(off, o) \
	VXORPS           o, o, o \
	VFMADD231PS.BCST off(DX), Z25, o \
	VFMADD231PS.BCST off+4(DX), Z26, o \
	VFMADD231PS.BCST off+8(DX), Z27, o \
	VFMADD231PS.BCST off+12(DX), Z28, o \
	VFMADD231PS.BCST off+16(DX), Z29, o

// ROW loads the row of the tile at AX into Z25-Z29 and sets o0-o4 to it
// through t's rows.
#define ROW(o0, o1, o2, o3, o4) \
	MOVQ      AX, BX \
	VMOVUPS.Z (BX), K1, Z25 \
	ADDQ      R9, BX \
	VMOVUPS.Z (BX), K1, Z26 \
	ADDQ      R9, BX \
	VMOVUPS.Z (BX), K1, Z27 \
	ADDQ      R9, BX \
	VMOVUPS.Z (BX), K1, Z28 \
	ADDQ      R9, BX \
	VMOVUPS.Z (BX), K1, Z29 \
	COMB(0, o0) \
	COMB(20, o1) \
	COMB(40, o2) \
	COMB(60, o3) \
	COMB(80, o4)

// OUT stores at R14 the sum of t's row at byte offset off times r0-r4.
#define OUT(off, r0, r1, r2, r3, r4) \
	VXORPS           Z30, Z30, Z30 \
	VFMADD231PS.BCST off(DX), r0, Z30 \
	VFMADD231PS.BCST off+4(DX), r1, Z30 \
	VFMADD231PS.BCST off+8(DX), r2, Z30 \
	VFMADD231PS.BCST off+12(DX), r3, Z30 \
	VFMADD231PS.BCST off+16(DX), r4, Z30 \
	VMOVUPS          Z30, K1, (R14)

// COL stores the column of outputs at BX from the intermediates r0-r4.
#define COL(r0, r1, r2, r3, r4) \
	MOVQ BX, R14 \
	OUT(0, r0, r1, r2, r3, r4) \
	ADDQ R10, R14 \
	OUT(20, r0, r1, r2, r3, r4) \
	ADDQ R10, R14 \
	OUT(40, r0, r1, r2, r3, r4) \
	ADDQ R10, R14 \
	OUT(60, r0, r1, r2, r3, r4) \
	ADDQ R10, R14 \
	OUT(80, r0, r1, r2, r3, r4)

TEXT ·winoTileAVX512(SB), NOSPLIT, $0-64
	MOVQ  lanes+0(FP), CX
	MOVQ  in+8(FP), SI
	MOVQ  irs+16(FP), R8
	SHLQ  $2, R8
	MOVQ  ics+24(FP), R9
	SHLQ  $2, R9
	MOVQ  out+32(FP), DI
	MOVQ  ors+40(FP), R10
	SHLQ  $2, R10
	MOVQ  ocs+48(FP), R11
	SHLQ  $2, R11
	MOVQ  t+56(FP), DX
	MOVL  $0xffff, AX
	KMOVW AX, K1

loop:
	CMPQ  CX, $16
	JAE   body
	TESTQ CX, CX
	JEQ   done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1

body:
	MOVQ SI, AX
	ROW(Z0, Z1, Z2, Z3, Z4)
	ADDQ R8, AX
	ROW(Z5, Z6, Z7, Z8, Z9)
	ADDQ R8, AX
	ROW(Z10, Z11, Z12, Z13, Z14)
	ADDQ R8, AX
	ROW(Z15, Z16, Z17, Z18, Z19)
	ADDQ R8, AX
	ROW(Z20, Z21, Z22, Z23, Z24)
	MOVQ DI, BX
	COL(Z0, Z5, Z10, Z15, Z20)
	ADDQ R11, BX
	COL(Z1, Z6, Z11, Z16, Z21)
	ADDQ R11, BX
	COL(Z2, Z7, Z12, Z17, Z22)
	ADDQ R11, BX
	COL(Z3, Z8, Z13, Z18, Z23)
	ADDQ R11, BX
	COL(Z4, Z9, Z14, Z19, Z24)
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JGT  loop

done:
	VZEROUPPER
	RET
