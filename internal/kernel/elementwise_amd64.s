#include "textflag.h"
#include "elementwise_amd64.h"

// AVX-512 loops behind Map2, Map2Scalar, Axpy and the fused gradient maps;
// each rounds exactly as its portable counterpart in elementwise_generic.go.

// One Adam update (see Adam in elementwise_adam.go): DI walks x, SI g, DX
// m and R9 v; Z16-Z24 hold the fields of the AdamStep.
#define ADAMARGS \
	MOVQ         x_base+0(FP), DI \
	MOVQ         x_len+8(FP), CX \
	MOVQ         g_base+24(FP), SI \
	MOVQ         m_base+48(FP), DX \
	MOVQ         v_base+72(FP), R9 \
	MOVQ         s+96(FP), R8 \
	VBROADCASTSS 0(R8), Z16 \
	VBROADCASTSS 4(R8), Z17 \
	VBROADCASTSS 8(R8), Z18 \
	VBROADCASTSS 12(R8), Z19 \
	VBROADCASTSS 16(R8), Z20 \
	VBROADCASTSS 20(R8), Z21 \
	VBROADCASTSS 24(R8), Z22 \
	VBROADCASTSS 28(R8), Z23 \
	VBROADCASTSS 32(R8), Z24

#define ADAM \
	VMOVUPS.Z   (DI), K1, Z0 \
	VMOVUPS.Z   (SI), K1, Z1 \
	VMOVUPS.Z   (DX), K1, Z2 \
	VMOVUPS.Z   (R9), K1, Z3 \
	VMULPS      Z24, Z0, Z0 \
	VFMADD231PS Z23, Z0, Z1 \
	VMULPS      Z16, Z2, Z2 \
	VFMADD231PS Z18, Z1, Z2 \
	VMULPS      Z17, Z3, Z3 \
	VMULPS      Z19, Z1, Z4 \
	VFMADD231PS Z4, Z1, Z3 \
	VSQRTPS     Z3, Z5 \
	VDIVPS      Z21, Z5, Z5 \
	VADDPS      Z22, Z5, Z5 \
	VMULPS      Z20, Z2, Z6 \
	VDIVPS      Z5, Z6, Z6 \
	VADDPS      Z6, Z0, Z8 \
	VMOVUPS     Z2, K1, (DX) \
	VMOVUPS     Z3, K1, (R9) \
	STORE \
	ADDQ        $64, R9

#define VV(op) LOAD2; op Z1, Z0, Z8; STORE

// func addVVAVX512(dst, x, y []float32)
TEXT ·addVVAVX512(SB), NOSPLIT, $0-72
	MAP(ARGS2, VV(VADDPS))

// func subVVAVX512(dst, x, y []float32)
TEXT ·subVVAVX512(SB), NOSPLIT, $0-72
	MAP(ARGS2, VV(VSUBPS))

// func mulVVAVX512(dst, x, y []float32)
TEXT ·mulVVAVX512(SB), NOSPLIT, $0-72
	MAP(ARGS2, VV(VMULPS))

// func divVVAVX512(dst, x, y []float32)
TEXT ·divVVAVX512(SB), NOSPLIT, $0-72
	MAP(ARGS2, VV(VDIVPS))

#define VS(op) LOAD1; op Z9, Z0, Z8; STORE

// func addVSAVX512(dst, x []float32, s float32)
TEXT ·addVSAVX512(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Z9
	MAP(ARGS1, VS(VADDPS))

// func mulVSAVX512(dst, x []float32, s float32)
TEXT ·mulVSAVX512(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Z9
	MAP(ARGS1, VS(VMULPS))

// s - x.
#define RSUBVS LOAD1; VSUBPS Z0, Z9, Z8; STORE

// func rsubVSAVX512(dst, x []float32, s float32)
TEXT ·rsubVSAVX512(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Z9
	MAP(ARGS1, RSUBVS)

// x where x > s or x is NaN, else s: the mask !(x <= s) picks x.
#define MAXVS \
	LOAD1 \
	VCMPPS  $0x06, Z9, Z0, K2 \
	VMOVAPS Z9, Z8 \
	VMOVAPS Z0, K2, Z8 \
	STORE

// func maxVSAVX512(dst, x []float32, s float32)
TEXT ·maxVSAVX512(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Z9
	MAP(ARGS1, MAXVS)

// (x + s) y, s in Z9: a softmax's input gradient in one pass.
#define ADDMUL LOAD2; VADDPS Z9, Z0, Z0; VMULPS Z1, Z0, Z8; STORE

// func addMulAVX512(dst, x, y []float32, s float32)
TEXT ·addMulAVX512(SB), NOSPLIT, $0-76
	VBROADCASTSS s+72(FP), Z9
	MAP(ARGS2, ADDMUL)

// dst += s x, fused.
#define AXPY \
	LOAD1 \
	VMOVUPS.Z   (DI), K1, Z8 \
	VFMADD231PS Z9, Z0, Z8 \
	STORE

// func axpyAVX512(dst, x []float32, s float32)
TEXT ·axpyAVX512(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Z9
	MAP(ARGS1, AXPY)

// g s (1 - s) for y = s = sigmoid: x is g, y is s.
#define SIGMOIDGRAD \
	LOAD2 \
	VSUBPS Z1, Z24, Z2 \
	VMULPS Z2, Z1, Z2 \
	VMULPS Z2, Z0, Z8 \
	STORE

// func sigmoidGradAVX512(dst, x, y []float32)
TEXT ·sigmoidGradAVX512(SB), NOSPLIT, $0-72
	BCAST(0x3f800000, Z24)
	MAP(ARGS2, SIGMOIDGRAD)

// g (1 - t^2) for y = t = tanh.
#define TANHGRAD \
	LOAD2 \
	VMULPS Z1, Z1, Z2 \
	VSUBPS Z2, Z24, Z2 \
	VMULPS Z2, Z0, Z8 \
	STORE

// func tanhGradAVX512(dst, x, y []float32)
TEXT ·tanhGradAVX512(SB), NOSPLIT, $0-72
	BCAST(0x3f800000, Z24)
	MAP(ARGS2, TANHGRAD)

// g where y > 0, else 0 times g (so NaN and Inf in g propagate as in the
// portable g * 0).
#define RELUGRAD \
	LOAD2 \
	VCMPPS $0x1e, Z29, Z1, K2 \
	VMOVAPS Z29, Z2 \
	VMOVAPS Z24, K2, Z2 \
	VMULPS Z2, Z0, Z8 \
	STORE

// func reluGradAVX512(dst, x, y []float32)
TEXT ·reluGradAVX512(SB), NOSPLIT, $0-72
	BCAST(0x3f800000, Z24)
	VPXORD Z29, Z29, Z29
	MAP(ARGS2, RELUGRAD)

// x where x > 0 or x is NaN, else +0: the mask !(x <= 0) zeroes the rest.
#define RELU \
	LOAD1 \
	VCMPPS    $0x16, Z29, Z0, K2 \
	VMOVAPS.Z Z0, K2, Z8 \
	STORE

// func reluAVX512(dst, x []float32)
TEXT ·reluAVX512(SB), NOSPLIT, $0-48
	VPXORD Z29, Z29, Z29
	MAP(ARGS1, RELU)

// x where x > 0, else s x.
#define LEAKY \
	LOAD1 \
	VCMPPS  $0x1e, Z29, Z0, K2 \
	VMULPS  Z9, Z0, Z8 \
	VMOVAPS Z0, K2, Z8 \
	STORE

// func leakyAVX512(dst, x []float32, s float32)
TEXT ·leakyAVX512(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Z9
	VPXORD       Z29, Z29, Z29
	MAP(ARGS1, LEAKY)

// g (x is g, y is the input) times 1 where y > 0, else times s.
#define LEAKYGRAD \
	LOAD2 \
	VCMPPS  $0x1e, Z29, Z1, K2 \
	VMOVAPS Z9, Z2 \
	VMOVAPS Z24, K2, Z2 \
	VMULPS  Z2, Z0, Z8 \
	STORE

// func leakyGradAVX512(dst, x, y []float32, s float32)
TEXT ·leakyGradAVX512(SB), NOSPLIT, $0-76
	VBROADCASTSS s+72(FP), Z9
	BCAST(0x3f800000, Z24)
	VPXORD       Z29, Z29, Z29
	MAP(ARGS2, LEAKYGRAD)

// (x - m) s + b for NormApply: m, s and b in Z9-Z11.
#define NORMAPPLY \
	LOAD1 \
	VSUBPS Z9, Z0, Z0 \
	VMULPS Z10, Z0, Z0 \
	VADDPS Z11, Z0, Z8 \
	STORE

// func normApplyAVX512(dst, x []float32, m, s, b float32)
TEXT ·normApplyAVX512(SB), NOSPLIT, $0-60
	VBROADCASTSS m+48(FP), Z9
	VBROADCASTSS s+52(FP), Z10
	VBROADCASTSS b+56(FP), Z11
	MAP(ARGS1, NORMAPPLY)

// ((x - m) r) w + b for NormAffine: x is x, y is w, b at R10 past x; m
// and r in Z9-Z10.
#define NORMAFFINE \
	LOAD2 \
	VMOVUPS.Z (SI)(R10*1), K1, Z2 \
	VSUBPS    Z9, Z0, Z0 \
	VMULPS    Z10, Z0, Z0 \
	VMULPS    Z1, Z0, Z0 \
	VADDPS    Z2, Z0, Z8 \
	STORE

// func normAffineAVX512(dst, x, y, b []float32, m, r float32)
TEXT ·normAffineAVX512(SB), NOSPLIT, $0-104
	VBROADCASTSS m+96(FP), Z9
	VBROADCASTSS r+100(FP), Z10
	MOVQ         b_base+72(FP), R10
	SUBQ         x_base+24(FP), R10
	MAP(ARGS2, NORMAFFINE)

// ((g W - MG) - ((x - M) R) MGX) R for NormGrad: x is g, y is x; M, R,
// W, MG and MGX in Z9-Z13.
#define NORMGRAD \
	LOAD2 \
	VMULPS Z11, Z0, Z0 \
	VSUBPS Z12, Z0, Z0 \
	VSUBPS Z9, Z1, Z1 \
	VMULPS Z10, Z1, Z1 \
	VMULPS Z13, Z1, Z1 \
	VSUBPS Z1, Z0, Z0 \
	VMULPS Z10, Z0, Z8 \
	STORE

// func normGradAVX512(dst, x, y []float32, c *NormGradStep)
TEXT ·normGradAVX512(SB), NOSPLIT, $0-80
	MOVQ         c+72(FP), R8
	VBROADCASTSS 0(R8), Z9
	VBROADCASTSS 4(R8), Z10
	VBROADCASTSS 8(R8), Z11
	VBROADCASTSS 12(R8), Z12
	VBROADCASTSS 16(R8), Z13
	MAP(ARGS2, NORMGRAD)

// func adamAVX512(x, g, m, v []float32, s *AdamStep)
TEXT ·adamAVX512(SB), NOSPLIT, $0-104
	MAP(ADAMARGS, ADAM)

// func fillAVX512(dst []float32, v float32)
TEXT ·fillAVX512(SB), NOSPLIT, $0-28
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	VBROADCASTSS v+24(FP), Z0

fill:
	CMPQ    CX, $16
	JB      filltail
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     fill

filltail:
	TESTQ   CX, CX
	JEQ     filldone
	MOVL    $1, AX
	SHLL    CX, AX
	DECL    AX
	KMOVW   AX, K1
	VMOVUPS Z0, K1, (DI)

filldone:
	VZEROUPPER
	RET

// func carryAVX512(acc []float64, part []float32)
//
// carryAVX sixteen values at a time.
TEXT ·carryAVX512(SB), NOSPLIT, $0-48
	MOVQ   acc_base+0(FP), DI
	MOVQ   part_base+24(FP), SI
	MOVQ   part_len+32(FP), CX
	VXORPS Z2, Z2, Z2

carrysixteens:
	CMPQ      CX, $16
	JB        carrytail
	VCVTPS2PD (SI), Z0
	VCVTPS2PD 32(SI), Z1
	VADDPD    (DI), Z0, Z0
	VADDPD    64(DI), Z1, Z1
	VMOVUPD   Z0, (DI)
	VMOVUPD   Z1, 64(DI)
	VMOVUPS   Z2, (SI)
	ADDQ      $64, SI
	ADDQ      $128, DI
	SUBQ      $16, CX
	JMP       carrysixteens

carrytail:
	TESTQ     CX, CX
	JEQ       carrydone
	VCVTSS2SD (SI), X0, X0
	VADDSD    (DI), X0, X0
	VMOVSD    X0, (DI)
	MOVL      $0, (SI)
	ADDQ      $4, SI
	ADDQ      $8, DI
	DECQ      CX
	JMP       carrytail

carrydone:
	VZEROUPPER
	RET

// func maxAVX512(x []float32) float32
//
// The largest value of x sixteen lanes at a time, the lanes of the last
// step past the end set to -Inf; K3 gathers the lanes that held a NaN, in
// which case the result is NaN (VMAXPS alone would drop it).
TEXT ·maxAVX512(SB), NOSPLIT, $0-28
	MOVQ     x_base+0(FP), SI
	MOVQ     x_len+8(FP), CX
	BCAST(0xff800000, Z2)
	VMOVAPS  Z2, Z0
	KXORW    K3, K3, K3
	MOVL     $0xffff, AX
	KMOVW    AX, K1

maxloop:
	CMPQ  CX, $16
	JAE   maxbody
	TESTQ CX, CX
	JEQ   maxdone
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1

maxbody:
	VMOVAPS Z2, Z1
	VMOVUPS (SI), K1, Z1
	VCMPPS  $3, Z1, Z1, K2
	KORW    K2, K3, K3
	VMAXPS  Z1, Z0, Z0
	ADDQ    $64, SI
	SUBQ    $16, CX
	JGT     maxloop

maxdone:
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VPERMILPS     $0x4e, X0, X1
	VMAXPS        X1, X0, X0
	VPERMILPS     $0xb1, X0, X1
	VMAXPS        X1, X0, X0
	KORTESTW      K3, K3
	JZ            maxret
	MOVL          $0x7fc00000, AX
	VMOVD         AX, X0

maxret:
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET
