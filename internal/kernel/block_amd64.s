#include "textflag.h"

// Block loops behind BlockCopy and BlockAdd: rows of n values, 16 per step
// with the last step of each row masked by K1. DI walks the destination
// rows (R10 values apart), SI the source rows (R11 values apart); R8
// counts the rows left.
#define BLOCKARGS \
	MOVQ  dst_base+0(FP), DI \
	MOVQ  ldd+24(FP), R10 \
	MOVQ  src_base+32(FP), SI \
	MOVQ  lds+56(FP), R11 \
	MOVQ  rows+64(FP), R8 \
	MOVQ  n+72(FP), R9 \
	MOVQ  R9, CX \
	ANDQ  $15, CX \
	MOVL  $1, AX \
	SHLL  CX, AX \
	DECL  AX \
	KMOVW AX, K1

// BLOCK runs FULL on each whole step of 16 values of every row and TAIL
// on the rest; AX walks the source row and BX the destination row.
#define BLOCK(FULL, TAIL) \
	TESTQ R8, R8 \
	JEQ   done \
row: \
	MOVQ  SI, AX \
	MOVQ  DI, BX \
	MOVQ  R9, CX \
full: \
	CMPQ  CX, $16 \
	JB    tail \
	FULL \
	ADDQ  $64, AX \
	ADDQ  $64, BX \
	SUBQ  $16, CX \
	JMP   full \
tail: \
	TESTQ CX, CX \
	JEQ   next \
	TAIL \
next: \
	LEAQ  (SI)(R11*4), SI \
	LEAQ  (DI)(R10*4), DI \
	DECQ  R8 \
	JNE   row \
done: \
	VZEROUPPER \
	RET

#define COPYFULL \
	VMOVUPS (AX), Z0 \
	VMOVUPS Z0, (BX)

#define COPYTAIL \
	VMOVUPS.Z (AX), K1, Z0 \
	VMOVUPS   Z0, K1, (BX)

#define ADDFULL \
	VMOVUPS (AX), Z0 \
	VADDPS  (BX), Z0, Z0 \
	VMOVUPS Z0, (BX)

#define ADDTAIL \
	VMOVUPS.Z (AX), K1, Z0 \
	VMOVUPS.Z (BX), K1, Z1 \
	VADDPS    Z0, Z1, Z0 \
	VMOVUPS   Z0, K1, (BX)

// func blockCopyAVX512(dst []float32, ldd int, src []float32, lds, rows, n int)
TEXT ·blockCopyAVX512(SB), NOSPLIT, $0-80
	BLOCKARGS
	BLOCK(COPYFULL, COPYTAIL)

// func blockAddAVX512(dst []float32, ldd int, src []float32, lds, rows, n int)
TEXT ·blockAddAVX512(SB), NOSPLIT, $0-80
	BLOCKARGS
	BLOCK(ADDFULL, ADDTAIL)

// Even lane numbers 0, 2, ..., 30: the even values of a pair of vectors
// (plus one, the odd values), here and in im2col_amd64.s.
DATA ·evenLanes+0(SB)/8, $0x0000000200000000
DATA ·evenLanes+8(SB)/8, $0x0000000600000004
DATA ·evenLanes+16(SB)/8, $0x0000000a00000008
DATA ·evenLanes+24(SB)/8, $0x0000000e0000000c
DATA ·evenLanes+32(SB)/8, $0x0000001200000010
DATA ·evenLanes+40(SB)/8, $0x0000001600000014
DATA ·evenLanes+48(SB)/8, $0x0000001a00000018
DATA ·evenLanes+56(SB)/8, $0x0000001e0000001c
GLOBL ·evenLanes(SB), RODATA|NOPTR, $64

// STRIDE2 loads the arguments of the stride-2 block loops: DI and R10 the
// destination and its row stride, SI and R11 the source and its row
// stride, R8 the rows, R9 the values per row, and the three masks of the
// last step of a row into K1, K2 and K3.
#define STRIDE2ARGS \
	MOVQ  dst_base+0(FP), DI \
	MOVQ  ldd+24(FP), R10 \
	MOVQ  src_base+32(FP), SI \
	MOVQ  lds+56(FP), R11 \
	MOVQ  rows+64(FP), R8 \
	MOVQ  n+72(FP), R9 \
	MOVL  m1+80(FP), AX \
	KMOVW AX, K1 \
	MOVL  m2+84(FP), AX \
	KMOVW AX, K2 \
	MOVL  m3+88(FP), AX \
	KMOVW AX, K3

// STRIDE2 runs FULL on each step of 16 values of a row (of the rows of
// the side that is read or written contiguously) while more than 16 are
// left, then TAIL on the last 1 to 16. AX walks the source row and BX the
// destination row, advanced by SADV and DADV bytes per step.
#define STRIDE2(FULL, TAIL, SADV, DADV) \
	TESTQ R8, R8 \
	JEQ   done \
row: \
	MOVQ  SI, AX \
	MOVQ  DI, BX \
	MOVQ  R9, CX \
full: \
	CMPQ  CX, $16 \
	JBE   tail \
	FULL \
	ADDQ  $SADV, AX \
	ADDQ  $DADV, BX \
	SUBQ  $16, CX \
	JMP   full \
tail: \
	TAIL \
	LEAQ  (SI)(R11*4), SI \
	LEAQ  (DI)(R10*4), DI \
	DECQ  R8 \
	JNE   row \
done: \
	VZEROUPPER \
	RET

// Gather: 32 source values give their 16 even ones. K1 masks the last
// step's stores, K2 and K3 its loads of the first and second 16 values.
#define GATHERFULL \
	VMOVUPS   (AX), Z0 \
	VPERMT2PS 64(AX), Z7, Z0 \
	VMOVUPS   Z0, (BX)

#define GATHERTAIL \
	VMOVUPS.Z (AX), K2, Z0 \
	VMOVUPS.Z 64(AX), K3, Z1 \
	VPERMT2PS Z1, Z7, Z0 \
	VMOVUPS   Z0, K1, (BX)

// Scatter-add: 16 source values go to the even lanes of 32 destination
// values, whose odd lanes are left alone. K4 is every even lane; K2 and
// K3 are the even lanes of the last step's first and second 8 values.
#define SCATTERFULL \
	VEXPANDPS.Z (AX), K4, Z0 \
	VADDPS      (BX), Z0, Z0 \
	VMOVUPS     Z0, K4, (BX) \
	VEXPANDPS.Z 32(AX), K4, Z1 \
	VADDPS      64(BX), Z1, Z1 \
	VMOVUPS     Z1, K4, 64(BX)

#define SCATTERTAIL \
	VEXPANDPS.Z (AX), K2, Z0 \
	VMOVUPS.Z   (BX), K2, Z2 \
	VADDPS      Z2, Z0, Z0 \
	VMOVUPS     Z0, K2, (BX) \
	VEXPANDPS.Z 32(AX), K3, Z1 \
	VMOVUPS.Z   64(BX), K3, Z2 \
	VADDPS      Z2, Z1, Z1 \
	VMOVUPS     Z1, K3, 64(BX)

// func gather2AVX512(dst []float32, ldd int, src []float32, lds, rows, n int, m1, m2, m3 uint32)
TEXT ·gather2AVX512(SB), NOSPLIT, $0-92
	STRIDE2ARGS
	VMOVDQU32 ·evenLanes(SB), Z7
	STRIDE2(GATHERFULL, GATHERTAIL, 128, 64)

// func scatterAdd2AVX512(dst []float32, ldd int, src []float32, lds, rows, n int, m1, m2, m3 uint32)
TEXT ·scatterAdd2AVX512(SB), NOSPLIT, $0-92
	STRIDE2ARGS
	MOVL  $0x5555, AX
	KMOVW AX, K4
	STRIDE2(SCATTERFULL, SCATTERTAIL, 64, 128)
