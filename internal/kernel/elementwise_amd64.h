// Loop skeleton of the AVX-512 element-wise maps (elementwise_amd64.s,
// exp_amd64.s): DI walks dst, SI the first operand and DX the second, CX
// counts the values left. Each step handles 16 values; the last one masks
// the rest off with K1, so no scalar tail is needed.

#define BCAST(v, z) \
	MOVL         $v, AX \
	VPBROADCASTD AX, z

// ARGS1 loads func(dst, x []float32, ...); ARGS2 func(dst, x, y []float32).
#define ARGS1 \
	MOVQ dst_base+0(FP), DI \
	MOVQ dst_len+8(FP), CX \
	MOVQ x_base+24(FP), SI

#define ARGS2 \
	ARGS1 \
	MOVQ y_base+48(FP), DX

// LOAD1 puts x in Z0, LOAD2 also y in Z1; STORE writes Z8 to dst.
#define LOAD1 VMOVUPS.Z (SI), K1, Z0
#define LOAD2 \
	LOAD1 \
	VMOVUPS.Z (DX), K1, Z1
#define STORE VMOVUPS Z8, K1, (DI)

// MAP runs BODY over the values after ARGS has loaded the pointers.
#define MAP(ARGS, BODY) \
	ARGS \
	MOVL  $0xffff, AX \
	KMOVW AX, K1 \
loop: \
	CMPQ  CX, $16 \
	JAE   body \
	TESTQ CX, CX \
	JEQ   done \
	MOVL  $1, AX \
	SHLL  CX, AX \
	DECL  AX \
	KMOVW AX, K1 \
body: \
	BODY \
	ADDQ  $64, SI \
	ADDQ  $64, DX \
	ADDQ  $64, DI \
	SUBQ  $16, CX \
	JGT   loop \
done: \
	VZEROUPPER \
	RET
