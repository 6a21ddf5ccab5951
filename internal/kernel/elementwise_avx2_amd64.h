// Loop skeleton of the AVX2+FMA maps (elementwise_avx2_amd64.s,
// exp_avx2_amd64.s), 8 values per step. Y15 holds
// the lanes of the step: all of them, or the first CX at the tail, read
// and written with VMASKMOVPS. Y14 holds 1 and Y13 zero where a map needs
// them; Y0 holds x, Y1 y and Y8 the result.

// tailmask<>+32-4n holds n lanes set followed by unset ones.
DATA tailmask<>+0(SB)/4, $0xffffffff
DATA tailmask<>+4(SB)/4, $0xffffffff
DATA tailmask<>+8(SB)/4, $0xffffffff
DATA tailmask<>+12(SB)/4, $0xffffffff
DATA tailmask<>+16(SB)/4, $0xffffffff
DATA tailmask<>+20(SB)/4, $0xffffffff
DATA tailmask<>+24(SB)/4, $0xffffffff
DATA tailmask<>+28(SB)/4, $0xffffffff
DATA tailmask<>+32(SB)/8, $0
DATA tailmask<>+40(SB)/8, $0
DATA tailmask<>+48(SB)/8, $0
DATA tailmask<>+56(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

#define YLOAD1 VMASKMOVPS (SI), Y15, Y0
#define YLOAD2 \
	YLOAD1 \
	VMASKMOVPS (DX), Y15, Y1

// YMAP runs BODY, which leaves its result in Y8, over the values after
// ARGS has loaded the pointers; whole steps store Y8 with VMOVUPS.
#define YMAP(ARGS, BODY) \
	ARGS \
	VPCMPEQD Y15, Y15, Y15 \
loop: \
	CMPQ       CX, $8 \
	JAE        body \
	TESTQ      CX, CX \
	JEQ        done \
	LEAQ       tailmask<>+32(SB), AX \
	MOVQ       CX, BX \
	SHLQ       $2, BX \
	SUBQ       BX, AX \
	VMOVDQU    (AX), Y15 \
body: \
	BODY \
	CMPQ       CX, $8 \
	JB         partial \
	VMOVUPS    Y8, (DI) \
	JMP        next \
partial: \
	VMASKMOVPS Y8, Y15, (DI) \
next: \
	ADDQ       $32, SI \
	ADDQ       $32, DX \
	ADDQ       $32, DI \
	SUBQ       $8, CX \
	JGT        loop \
done: \
	VZEROUPPER \
	RET

// YONES sets Y14 to 1 and Y13 to zero.
#define YONES \
	MOVL         $0x3f800000, AX \
	MOVL         AX, X14 \
	VBROADCASTSS X14, Y14 \
	VXORPS       Y13, Y13, Y13

