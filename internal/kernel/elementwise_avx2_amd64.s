#include "textflag.h"
#include "elementwise_amd64.h"
#include "elementwise_avx2_amd64.h"
#include "hsum_amd64.h"

// AVX2+FMA loops for CPUs without AVX-512 (see elementwise_avx2_amd64.h);
// each rounds exactly as its portable counterpart in elementwise_generic.go.

// One Adam update as adamAVX512 does it: DI walks x, SI g, DX m and R9 v;
// Y7 and Y9-Y14 hold B1, B2, K1, K2, NegStep, C2 and Eps, and WD and
// Shrink are broadcast from the AdamStep (R8) where used.
#define YADAMARGS \
	MOVQ         x_base+0(FP), DI \
	MOVQ         x_len+8(FP), CX \
	MOVQ         g_base+24(FP), SI \
	MOVQ         m_base+48(FP), DX \
	MOVQ         v_base+72(FP), R9 \
	MOVQ         s+96(FP), R8 \
	VBROADCASTSS 0(R8), Y7 \
	VBROADCASTSS 4(R8), Y9 \
	VBROADCASTSS 8(R8), Y10 \
	VBROADCASTSS 12(R8), Y11 \
	VBROADCASTSS 16(R8), Y12 \
	VBROADCASTSS 20(R8), Y13 \
	VBROADCASTSS 24(R8), Y14

#define YADAM \
	VMASKMOVPS   (DI), Y15, Y0 \
	VMASKMOVPS   (SI), Y15, Y1 \
	VMASKMOVPS   (DX), Y15, Y2 \
	VMASKMOVPS   (R9), Y15, Y3 \
	VBROADCASTSS 32(R8), Y4 \
	VMULPS       Y4, Y0, Y0 \
	VBROADCASTSS 28(R8), Y4 \
	VFMADD231PS  Y4, Y0, Y1 \
	VMULPS       Y7, Y2, Y2 \
	VFMADD231PS  Y10, Y1, Y2 \
	VMULPS       Y9, Y3, Y3 \
	VMULPS       Y11, Y1, Y4 \
	VFMADD231PS  Y4, Y1, Y3 \
	VSQRTPS      Y3, Y5 \
	VDIVPS       Y13, Y5, Y5 \
	VADDPS       Y14, Y5, Y5 \
	VMULPS       Y12, Y2, Y6 \
	VDIVPS       Y5, Y6, Y6 \
	VADDPS       Y6, Y0, Y8 \
	VMASKMOVPS   Y2, Y15, (DX) \
	VMASKMOVPS   Y3, Y15, (R9) \
	ADDQ         $32, R9

#define YVV(op) YLOAD2; op Y1, Y0, Y8

// func addVVAVX2(dst, x, y []float32)
TEXT ·addVVAVX2(SB), NOSPLIT, $0-72
	YMAP(ARGS2, YVV(VADDPS))

// func subVVAVX2(dst, x, y []float32)
TEXT ·subVVAVX2(SB), NOSPLIT, $0-72
	YMAP(ARGS2, YVV(VSUBPS))

// func mulVVAVX2(dst, x, y []float32)
TEXT ·mulVVAVX2(SB), NOSPLIT, $0-72
	YMAP(ARGS2, YVV(VMULPS))

// func divVVAVX2(dst, x, y []float32)
TEXT ·divVVAVX2(SB), NOSPLIT, $0-72
	YMAP(ARGS2, YVV(VDIVPS))

#define YVS(op) YLOAD1; op Y9, Y0, Y8

// func addVSAVX2(dst, x []float32, s float32)
TEXT ·addVSAVX2(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Y9
	YMAP(ARGS1, YVS(VADDPS))

// s - x.
#define YRSUBVS YLOAD1; VSUBPS Y0, Y9, Y8

// func rsubVSAVX2(dst, x []float32, s float32)
TEXT ·rsubVSAVX2(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Y9
	YMAP(ARGS1, YRSUBVS)

// x where x > s or x is NaN, else s: the mask !(x <= s) picks x.
#define YMAXVS \
	YLOAD1 \
	VCMPPS    $0x06, Y9, Y0, Y2 \
	VBLENDVPS Y2, Y0, Y9, Y8

// func maxVSAVX2(dst, x []float32, s float32)
TEXT ·maxVSAVX2(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Y9
	YMAP(ARGS1, YMAXVS)

// (x + s) y, s in Y9.
#define YADDMUL YLOAD2; VADDPS Y9, Y0, Y0; VMULPS Y1, Y0, Y8

// func addMulAVX2(dst, x, y []float32, s float32)
TEXT ·addMulAVX2(SB), NOSPLIT, $0-76
	VBROADCASTSS s+72(FP), Y9
	YMAP(ARGS2, YADDMUL)

// func mulVSAVX2(dst, x []float32, s float32)
TEXT ·mulVSAVX2(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Y9
	YMAP(ARGS1, YVS(VMULPS))

// dst += s x, fused.
#define YAXPY \
	YLOAD1 \
	VMASKMOVPS  (DI), Y15, Y8 \
	VFMADD231PS Y9, Y0, Y8

// func axpyAVX2(dst, x []float32, s float32)
TEXT ·axpyAVX2(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Y9
	YMAP(ARGS1, YAXPY)

// g s (1 - s) for y = s = sigmoid: x is g, y is s.
#define YSIGMOIDGRAD \
	YLOAD2 \
	VSUBPS Y1, Y14, Y2 \
	VMULPS Y2, Y1, Y2 \
	VMULPS Y2, Y0, Y8

// func sigmoidGradAVX2(dst, x, y []float32)
TEXT ·sigmoidGradAVX2(SB), NOSPLIT, $0-72
	YONES
	YMAP(ARGS2, YSIGMOIDGRAD)

// g (1 - t^2) for y = t = tanh.
#define YTANHGRAD \
	YLOAD2 \
	VMULPS Y1, Y1, Y2 \
	VSUBPS Y2, Y14, Y2 \
	VMULPS Y2, Y0, Y8

// func tanhGradAVX2(dst, x, y []float32)
TEXT ·tanhGradAVX2(SB), NOSPLIT, $0-72
	YONES
	YMAP(ARGS2, YTANHGRAD)

// g times 1 where y > 0, else times 0.
#define YRELUGRAD \
	YLOAD2 \
	VCMPPS $0x1e, Y13, Y1, Y2 \
	VANDPS Y14, Y2, Y2 \
	VMULPS Y2, Y0, Y8

// func reluGradAVX2(dst, x, y []float32)
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-72
	YONES
	YMAP(ARGS2, YRELUGRAD)

// x where x > 0, else s x.
#define YLEAKY \
	YLOAD1 \
	VCMPPS    $0x1e, Y13, Y0, Y2 \
	VMULPS    Y9, Y0, Y3 \
	VBLENDVPS Y2, Y0, Y3, Y8

// x where x > 0 or x is NaN, else +0: x and the mask !(x <= 0).
#define YRELU \
	YLOAD1 \
	VCMPPS $0x16, Y13, Y0, Y2 \
	VANDPS Y2, Y0, Y8

// func reluAVX2(dst, x []float32)
TEXT ·reluAVX2(SB), NOSPLIT, $0-48
	YONES
	YMAP(ARGS1, YRELU)

// func leakyAVX2(dst, x []float32, s float32)
TEXT ·leakyAVX2(SB), NOSPLIT, $0-52
	VBROADCASTSS s+48(FP), Y9
	YONES
	YMAP(ARGS1, YLEAKY)

// g (x is g, y is the input) times 1 where y > 0, else times s.
#define YLEAKYGRAD \
	YLOAD2 \
	VCMPPS    $0x1e, Y13, Y1, Y2 \
	VBLENDVPS Y2, Y14, Y9, Y3 \
	VMULPS    Y3, Y0, Y8

// func leakyGradAVX2(dst, x, y []float32, s float32)
TEXT ·leakyGradAVX2(SB), NOSPLIT, $0-76
	VBROADCASTSS s+72(FP), Y9
	YONES
	YMAP(ARGS2, YLEAKYGRAD)

// (x - m) s + b for NormApply: m, s and b in Y9-Y11.
#define YNORMAPPLY \
	YLOAD1 \
	VSUBPS Y9, Y0, Y0 \
	VMULPS Y10, Y0, Y0 \
	VADDPS Y11, Y0, Y8

// func normApplyAVX2(dst, x []float32, m, s, b float32)
TEXT ·normApplyAVX2(SB), NOSPLIT, $0-60
	VBROADCASTSS m+48(FP), Y9
	VBROADCASTSS s+52(FP), Y10
	VBROADCASTSS b+56(FP), Y11
	YMAP(ARGS1, YNORMAPPLY)

// ((x - m) r) w + b for NormAffine: x is x, y is w, b at R10 past x; m
// and r in Y9-Y10.
#define YNORMAFFINE \
	YLOAD2 \
	VMASKMOVPS (SI)(R10*1), Y15, Y2 \
	VSUBPS     Y9, Y0, Y0 \
	VMULPS     Y10, Y0, Y0 \
	VMULPS     Y1, Y0, Y0 \
	VADDPS     Y2, Y0, Y8

// func normAffineAVX2(dst, x, y, b []float32, m, r float32)
TEXT ·normAffineAVX2(SB), NOSPLIT, $0-104
	VBROADCASTSS m+96(FP), Y9
	VBROADCASTSS r+100(FP), Y10
	MOVQ         b_base+72(FP), R10
	SUBQ         x_base+24(FP), R10
	YMAP(ARGS2, YNORMAFFINE)

// ((g W - MG) - ((x - M) R) MGX) R for NormGrad: x is g, y is x; M, R,
// W, MG and MGX in Y9-Y13.
#define YNORMGRAD \
	YLOAD2 \
	VMULPS Y11, Y0, Y0 \
	VSUBPS Y12, Y0, Y0 \
	VSUBPS Y9, Y1, Y1 \
	VMULPS Y10, Y1, Y1 \
	VMULPS Y13, Y1, Y1 \
	VSUBPS Y1, Y0, Y0 \
	VMULPS Y10, Y0, Y8

// func normGradAVX2(dst, x, y []float32, c *NormGradStep)
TEXT ·normGradAVX2(SB), NOSPLIT, $0-80
	MOVQ         c+72(FP), R8
	VBROADCASTSS 0(R8), Y9
	VBROADCASTSS 4(R8), Y10
	VBROADCASTSS 8(R8), Y11
	VBROADCASTSS 12(R8), Y12
	VBROADCASTSS 16(R8), Y13
	YMAP(ARGS2, YNORMGRAD)

// func adamAVX2(x, g, m, v []float32, s *AdamStep)
TEXT ·adamAVX2(SB), NOSPLIT, $0-104
	YMAP(YADAMARGS, YADAM)

// func sumAVX(x []float32) float32
//
// Sum of one block in 32 lanes, four vectors of eight: each lane adds its
// values in the order of the portable loop (sumBlockGo), the whole eights
// past the last whole 32 go into the first vector, the vectors are
// combined as (Y0 + Y1) + (Y2 + Y3) and their lanes in the portable
// loop's order, then the tail is added value by value. It needs AVX only
// and serves both vector levels.
TEXT ·sumAVX(SB), NOSPLIT, $0-28
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

sumthirtytwos:
	CMPQ   CX, $32
	JB     sumeights
	VADDPS (SI), Y0, Y0
	VADDPS 32(SI), Y1, Y1
	VADDPS 64(SI), Y2, Y2
	VADDPS 96(SI), Y3, Y3
	ADDQ   $128, SI
	SUBQ   $32, CX
	JMP    sumthirtytwos

sumeights:
	CMPQ   CX, $8
	JB     sumvectors
	VADDPS (SI), Y0, Y0
	ADDQ   $32, SI
	SUBQ   $8, CX
	JMP    sumeights

sumvectors:
	LANES(Y0, Y1, Y2, Y3, X0, X1)

sumtail:
	TESTQ  CX, CX
	JEQ    sumdone
	VADDSS (SI), X0, X0
	ADDQ   $4, SI
	DECQ   CX
	JMP    sumtail

sumdone:
	VZEROUPPER
	MOVSS X0, ret+24(FP)
	RET

// func carryAVX(acc []float64, part []float32)
//
// Carry eight values at a time, converted exactly to float64 and added
// as the portable loop adds them, then clears them.
TEXT ·carryAVX(SB), NOSPLIT, $0-48
	MOVQ   acc_base+0(FP), DI
	MOVQ   part_base+24(FP), SI
	MOVQ   part_len+32(FP), CX
	VXORPS Y2, Y2, Y2

carryeights:
	CMPQ      CX, $8
	JB        carrytail
	VCVTPS2PD (SI), Y0
	VCVTPS2PD 16(SI), Y1
	VADDPD    (DI), Y0, Y0
	VADDPD    32(DI), Y1, Y1
	VMOVUPD   Y0, (DI)
	VMOVUPD   Y1, 32(DI)
	VMOVUPS   Y2, (SI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	SUBQ      $8, CX
	JMP       carryeights

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

// func dotAVX(x, y []float32) float32
//
// Sum of the products x[i] y[i] of one block, each product rounded before
// it is added, in the lanes and order of sumAVX (see dotBlockGo). It
// needs AVX only and serves both vector levels.
TEXT ·dotAVX(SB), NOSPLIT, $0-52
	MOVQ   x_base+0(FP), SI
	MOVQ   x_len+8(FP), CX
	MOVQ   y_base+24(FP), DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

dotthirtytwos:
	CMPQ    CX, $32
	JB      doteights
	VMOVUPS (SI), Y4
	VMOVUPS 32(SI), Y5
	VMOVUPS 64(SI), Y6
	VMOVUPS 96(SI), Y7
	VMULPS  (DX), Y4, Y4
	VMULPS  32(DX), Y5, Y5
	VMULPS  64(DX), Y6, Y6
	VMULPS  96(DX), Y7, Y7
	VADDPS  Y4, Y0, Y0
	VADDPS  Y5, Y1, Y1
	VADDPS  Y6, Y2, Y2
	VADDPS  Y7, Y3, Y3
	ADDQ    $128, SI
	ADDQ    $128, DX
	SUBQ    $32, CX
	JMP     dotthirtytwos

doteights:
	CMPQ    CX, $8
	JB      dotvectors
	VMOVUPS (SI), Y4
	VMULPS  (DX), Y4, Y4
	VADDPS  Y4, Y0, Y0
	ADDQ    $32, SI
	ADDQ    $32, DX
	SUBQ    $8, CX
	JMP     doteights

dotvectors:
	LANES(Y0, Y1, Y2, Y3, X0, X1)

dottail:
	TESTQ  CX, CX
	JEQ    dotdone
	VMOVSS (SI), X4
	VMULSS (DX), X4, X4
	VADDSS X4, X0, X0
	ADDQ   $4, SI
	ADDQ   $4, DX
	DECQ   CX
	JMP    dottail

dotdone:
	VZEROUPPER
	MOVSS X0, ret+48(FP)
	RET
