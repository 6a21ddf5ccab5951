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
