#include "textflag.h"

// func layerRowAVX(dst, x, w, b []float32, eps float32) (m, v, r float32)
//
// One row of layer normalisation in one call, with the bits of the calls
// it stands for (see LayerNormRow): the row's sum in the lanes and order
// of sumAVX, its mean; the deviations x - m stored in dst while their
// squares are added in the lanes and order of dotAVX, the variance; the
// reciprocal standard deviation in float64 as Go computes it; then dst
// = ((x - m) r) w + b, or (x - m) r without a weight (w empty), each
// operation rounded as NormAffine rounds it. The row holds at most one
// block of the sums (sumBlock values). It needs AVX2 and serves both
// vector levels.
TEXT ·layerRowAVX(SB), NOSPLIT, $0-116
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX

	// The sum, as sumAVX.
	MOVQ   SI, R8
	MOVQ   CX, DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

sum32:
	CMPQ   DX, $32
	JB     sum8
	VADDPS (R8), Y0, Y0
	VADDPS 32(R8), Y1, Y1
	VADDPS 64(R8), Y2, Y2
	VADDPS 96(R8), Y3, Y3
	ADDQ   $128, R8
	SUBQ   $32, DX
	JMP    sum32

sum8:
	CMPQ   DX, $8
	JB     sumlanes
	VADDPS (R8), Y0, Y0
	ADDQ   $32, R8
	SUBQ   $8, DX
	JMP    sum8

sumlanes:
	VADDPS       Y1, Y0, Y0
	VADDPS       Y3, Y2, Y2
	VADDPS       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VADDPS       X1, X0, X0
	VMOVHLPS     X0, X0, X1
	VADDSS       X1, X0, X0

sumtail:
	TESTQ  DX, DX
	JEQ    mean
	VADDSS (R8), X0, X0
	ADDQ   $4, R8
	DECQ   DX
	JMP    sumtail

mean:
	// X5 = float32(d), X6 = m, broadcast in Y6.
	VXORPS       X5, X5, X5
	VCVTSI2SSQ   CX, X5, X5
	VDIVSS       X5, X0, X6
	VBROADCASTSS X6, Y6

	// The deviations into dst, their squares summed as dotAVX sums.
	MOVQ   SI, R8
	MOVQ   DI, R9
	MOVQ   CX, DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

dev32:
	CMPQ    DX, $32
	JB      dev8
	VMOVUPS (R8), Y4
	VMOVUPS 32(R8), Y7
	VMOVUPS 64(R8), Y8
	VMOVUPS 96(R8), Y9
	VSUBPS  Y6, Y4, Y4
	VSUBPS  Y6, Y7, Y7
	VSUBPS  Y6, Y8, Y8
	VSUBPS  Y6, Y9, Y9
	VMOVUPS Y4, (R9)
	VMOVUPS Y7, 32(R9)
	VMOVUPS Y8, 64(R9)
	VMOVUPS Y9, 96(R9)
	VMULPS  Y4, Y4, Y4
	VMULPS  Y7, Y7, Y7
	VMULPS  Y8, Y8, Y8
	VMULPS  Y9, Y9, Y9
	VADDPS  Y4, Y0, Y0
	VADDPS  Y7, Y1, Y1
	VADDPS  Y8, Y2, Y2
	VADDPS  Y9, Y3, Y3
	ADDQ    $128, R8
	ADDQ    $128, R9
	SUBQ    $32, DX
	JMP     dev32

dev8:
	CMPQ    DX, $8
	JB      devlanes
	VMOVUPS (R8), Y4
	VSUBPS  Y6, Y4, Y4
	VMOVUPS Y4, (R9)
	VMULPS  Y4, Y4, Y4
	VADDPS  Y4, Y0, Y0
	ADDQ    $32, R8
	ADDQ    $32, R9
	SUBQ    $8, DX
	JMP     dev8

devlanes:
	VADDPS       Y1, Y0, Y0
	VADDPS       Y3, Y2, Y2
	VADDPS       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VADDPS       X1, X0, X0
	VMOVHLPS     X0, X0, X1
	VADDSS       X1, X0, X0

devtail:
	TESTQ  DX, DX
	JEQ    variance
	VMOVSS (R8), X4
	VSUBSS X6, X4, X4
	VMOVSS X4, (R9)
	VMULSS X4, X4, X4
	VADDSS X4, X0, X0
	ADDQ   $4, R8
	ADDQ   $4, R9
	DECQ   DX
	JMP    devtail

variance:
	// X7 = v; X9 = r = float32(1 / sqrt(float64(v) + float64(eps))).
	VDIVSS    X5, X0, X7
	VCVTSS2SD X7, X8, X8
	VMOVSS    eps+96(FP), X9
	VCVTSS2SD X9, X9, X9
	VADDSD    X9, X8, X8
	VSQRTSD   X8, X8, X8
	MOVSD     $(1.0), X9
	VDIVSD    X8, X9, X9
	VCVTSD2SS X9, X9, X9
	VMOVSS    X6, m+104(FP)
	VMOVSS    X7, v+108(FP)
	VMOVSS    X9, r+112(FP)
	VBROADCASTSS X9, Y9

	MOVQ w_base+48(FP), R10
	MOVQ w_len+56(FP), R11
	MOVQ b_base+72(FP), R12
	XORQ AX, AX
	TESTQ R11, R11
	JEQ  scale8

affine8:
	// dst = ((x - m) r) w + b.
	LEAQ    8(AX), DX
	CMPQ    DX, CX
	JA      affinetail
	VMOVUPS (SI)(AX*4), Y4
	VSUBPS  Y6, Y4, Y4
	VMULPS  Y9, Y4, Y4
	VMULPS  (R10)(AX*4), Y4, Y4
	VADDPS  (R12)(AX*4), Y4, Y4
	VMOVUPS Y4, (DI)(AX*4)
	MOVQ    DX, AX
	JMP     affine8

affinetail:
	CMPQ   AX, CX
	JAE    done
	VMOVSS (SI)(AX*4), X4
	VSUBSS X6, X4, X4
	VMULSS X9, X4, X4
	VMULSS (R10)(AX*4), X4, X4
	VADDSS (R12)(AX*4), X4, X4
	VMOVSS X4, (DI)(AX*4)
	INCQ   AX
	JMP    affinetail

scale8:
	// dst = (x - m) r.
	LEAQ    8(AX), DX
	CMPQ    DX, CX
	JA      scaletail
	VMOVUPS (SI)(AX*4), Y4
	VSUBPS  Y6, Y4, Y4
	VMULPS  Y9, Y4, Y4
	VMOVUPS Y4, (DI)(AX*4)
	MOVQ    DX, AX
	JMP     scale8

scaletail:
	CMPQ   AX, CX
	JAE    done
	VMOVSS (SI)(AX*4), X4
	VSUBSS X6, X4, X4
	VMULSS X9, X4, X4
	VMOVSS X4, (DI)(AX*4)
	INCQ   AX
	JMP    scaletail

done:
	VZEROUPPER
	RET
