#include "textflag.h"
#include "hsum_amd64.h"

// func layerRowAVX(dst, x, y, s, w, b []float32, eps float32) (m, v, r float32)
//
// One row of layer normalisation in one call, with the bits of the calls
// it stands for (see LayerNormRow and LayerNormSumRow): with y (not
// empty) s = x + y, stored while it is summed, and the row is s from
// there on; the row's sum in the lanes and order of sumAVX, its mean; the
// squares of the deviations x - m added in the lanes and order of dotAVX,
// the variance; the reciprocal standard deviation in float64 as Go
// computes it; then dst = ((x - m) r) w + b, or (x - m) r without a
// weight (w empty), each operation rounded as NormAffine rounds it. The
// row holds at most one block of the sums (sumBlock values). It needs
// AVX2 and serves both vector levels.
TEXT ·layerRowAVX(SB), NOSPLIT, $0-164
	MOVQ dst_base+0(FP), DI
	MOVQ x_base+24(FP), SI
	MOVQ x_len+32(FP), CX
	MOVQ y_len+56(FP), DX
	TESTQ DX, DX
	JNE  rowsum

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
	LANES(Y0, Y1, Y2, Y3, X0, X1)

sumtail:
	TESTQ  DX, DX
	JEQ    mean
	VADDSS (R8), X0, X0
	ADDQ   $4, R8
	DECQ   DX
	JMP    sumtail

rowsum:
	// s = x + y, summed as sumAVX sums s; the passes below read s.
	MOVQ   SI, R8
	MOVQ   y_base+48(FP), R9
	MOVQ   s_base+72(FP), SI
	MOVQ   SI, R13
	MOVQ   CX, DX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

rowsum32:
	CMPQ    DX, $32
	JB      rowsum8
	VMOVUPS (R8), Y4
	VMOVUPS 32(R8), Y7
	VMOVUPS 64(R8), Y8
	VMOVUPS 96(R8), Y9
	VADDPS  (R9), Y4, Y4
	VADDPS  32(R9), Y7, Y7
	VADDPS  64(R9), Y8, Y8
	VADDPS  96(R9), Y9, Y9
	VMOVUPS Y4, (R13)
	VMOVUPS Y7, 32(R13)
	VMOVUPS Y8, 64(R13)
	VMOVUPS Y9, 96(R13)
	VADDPS  Y4, Y0, Y0
	VADDPS  Y7, Y1, Y1
	VADDPS  Y8, Y2, Y2
	VADDPS  Y9, Y3, Y3
	ADDQ    $128, R8
	ADDQ    $128, R9
	ADDQ    $128, R13
	SUBQ    $32, DX
	JMP     rowsum32

rowsum8:
	CMPQ    DX, $8
	JB      rowsumlanes
	VMOVUPS (R8), Y4
	VADDPS  (R9), Y4, Y4
	VMOVUPS Y4, (R13)
	VADDPS  Y4, Y0, Y0
	ADDQ    $32, R8
	ADDQ    $32, R9
	ADDQ    $32, R13
	SUBQ    $8, DX
	JMP     rowsum8

rowsumlanes:
	LANES(Y0, Y1, Y2, Y3, X0, X1)

rowsumtail:
	TESTQ  DX, DX
	JEQ    mean
	VMOVSS (R8), X4
	VADDSS (R9), X4, X4
	VMOVSS X4, (R13)
	VADDSS X4, X0, X0
	ADDQ   $4, R8
	ADDQ   $4, R9
	ADDQ   $4, R13
	DECQ   DX
	JMP    rowsumtail

mean:
	// X5 = float32(d), X6 = m, broadcast in Y6.
	VXORPS       X5, X5, X5
	VCVTSI2SSQ   CX, X5, X5
	VDIVSS       X5, X0, X6
	VBROADCASTSS X6, Y6

	// The deviations' squares summed as dotAVX sums (the passes below
	// take the deviations again from x).
	MOVQ   SI, R8
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
	VMULPS  Y4, Y4, Y4
	VMULPS  Y7, Y7, Y7
	VMULPS  Y8, Y8, Y8
	VMULPS  Y9, Y9, Y9
	VADDPS  Y4, Y0, Y0
	VADDPS  Y7, Y1, Y1
	VADDPS  Y8, Y2, Y2
	VADDPS  Y9, Y3, Y3
	ADDQ    $128, R8
	SUBQ    $32, DX
	JMP     dev32

dev8:
	CMPQ    DX, $8
	JB      devlanes
	VMOVUPS (R8), Y4
	VSUBPS  Y6, Y4, Y4
	VMULPS  Y4, Y4, Y4
	VADDPS  Y4, Y0, Y0
	ADDQ    $32, R8
	SUBQ    $8, DX
	JMP     dev8

devlanes:
	LANES(Y0, Y1, Y2, Y3, X0, X1)

devtail:
	TESTQ  DX, DX
	JEQ    variance
	VMOVSS (R8), X4
	VSUBSS X6, X4, X4
	VMULSS X4, X4, X4
	VADDSS X4, X0, X0
	ADDQ   $4, R8
	DECQ   DX
	JMP    devtail

variance:
	// X7 = v; X9 = r = float32(1 / sqrt(float64(v) + float64(eps))).
	VDIVSS    X5, X0, X7
	VCVTSS2SD X7, X8, X8
	VMOVSS    eps+144(FP), X9
	VCVTSS2SD X9, X9, X9
	VADDSD    X9, X8, X8
	VSQRTSD   X8, X8, X8
	MOVSD     $(1.0), X9
	VDIVSD    X8, X9, X9
	VCVTSD2SS X9, X9, X9
	VMOVSS    X6, m+152(FP)
	VMOVSS    X7, v+156(FP)
	VMOVSS    X9, r+160(FP)
	VBROADCASTSS X9, Y9

	MOVQ w_base+96(FP), R10
	MOVQ w_len+104(FP), R11
	MOVQ b_base+120(FP), R12
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

// One chunk of eight values of layerGradRowAVX's first pass at offset
// off: xhat = (x - m) r + 0; with the weight, pw += xhat g, pb
// += g and gs = g w, else gs = g; gs added into SACC and gs xhat into
// DACC. R8 = x, R13 = g, R10 = w, R11 = pw, R12 = pb.
#define GRADW(off, SACC, DACC) \
	VMOVUPS off(R8), Y11 \
	VSUBPS  Y8, Y11, Y11 \
	VMULPS  Y9, Y11, Y11 \
	VADDPS  Y10, Y11, Y11 \
	VMOVUPS off(R13), Y12 \
	VMULPS  Y12, Y11, Y13 \
	VADDPS  off(R11), Y13, Y13 \
	VMOVUPS Y13, off(R11) \
	VADDPS  off(R12), Y12, Y13 \
	VMOVUPS Y13, off(R12) \
	VMULPS  off(R10), Y12, Y12 \
	VADDPS  Y12, SACC, SACC \
	VMULPS  Y11, Y12, Y12 \
	VADDPS  Y12, DACC, DACC

#define GRADN(off, SACC, DACC) \
	VMOVUPS off(R8), Y11 \
	VSUBPS  Y8, Y11, Y11 \
	VMULPS  Y9, Y11, Y11 \
	VADDPS  Y10, Y11, Y11 \
	VMOVUPS off(R13), Y12 \
	VADDPS  Y12, SACC, SACC \
	VMULPS  Y11, Y12, Y12 \
	VADDPS  Y12, DACC, DACC

// func layerGradRowAVX(dst, g, x, w, pw, pb, gs []float32, m, r float32)
//
// The gradient of one row of layer normalisation in one call, with the
// bits of the calls it stands for (see LayerNormGradRow): xhat = (x - m)
// r + 0 (not stored), with the weight the partial sums pw += xhat g and pb +=
// g and gs = g w (else gs = g), the sums of gs and of gs xhat in the
// lanes and order of sumAVX and dotAVX, their means MG and MGX, then dst
// = ((gs - MG) - ((x - m) r) MGX) r as NormGrad forms it with weight 1.
// The row holds at most sumBlock values; gs, the portable loop's
// scratch, is not used. It needs AVX2 and serves both vector levels.
TEXT ·layerGradRowAVX(SB), NOSPLIT, $0-176
	MOVQ         g_base+24(FP), R13
	MOVQ         x_base+48(FP), R8
	MOVQ         x_len+56(FP), CX
	MOVQ         w_base+72(FP), R10
	MOVQ         w_len+80(FP), R14
	MOVQ         pw_base+96(FP), R11
	MOVQ         pb_base+120(FP), R12
	VBROADCASTSS m+168(FP), Y8
	VBROADCASTSS r+172(FP), Y9
	VXORPS       Y10, Y10, Y10
	VXORPS       Y0, Y0, Y0
	VXORPS       Y1, Y1, Y1
	VXORPS       Y2, Y2, Y2
	VXORPS       Y3, Y3, Y3
	VXORPS       Y4, Y4, Y4
	VXORPS       Y5, Y5, Y5
	VXORPS       Y6, Y6, Y6
	VXORPS       Y7, Y7, Y7
	MOVQ         CX, DX
	TESTQ        R14, R14
	JEQ          n32

w32:
	CMPQ DX, $32
	JB   w8
	GRADW(0, Y0, Y4)
	GRADW(32, Y1, Y5)
	GRADW(64, Y2, Y6)
	GRADW(96, Y3, Y7)
	ADDQ $128, R8
	ADDQ $128, R13
	ADDQ $128, R10
	ADDQ $128, R11
	ADDQ $128, R12
	SUBQ $32, DX
	JMP  w32

w8:
	CMPQ DX, $8
	JB   wlanes
	GRADW(0, Y0, Y4)
	ADDQ $32, R8
	ADDQ $32, R13
	ADDQ $32, R10
	ADDQ $32, R11
	ADDQ $32, R12
	SUBQ $8, DX
	JMP  w8

wlanes:
	LANES(Y0, Y1, Y2, Y3, X0, X1)
	LANES(Y4, Y5, Y6, Y7, X4, X5)

wtail:
	TESTQ  DX, DX
	JEQ    means
	VMOVSS (R8), X11
	VSUBSS X8, X11, X11
	VMULSS X9, X11, X11
	VADDSS X10, X11, X11
	VMOVSS (R13), X12
	VMULSS X12, X11, X13
	VADDSS (R11), X13, X13
	VMOVSS X13, (R11)
	VADDSS (R12), X12, X13
	VMOVSS X13, (R12)
	VMULSS (R10), X12, X12
	VADDSS X12, X0, X0
	VMULSS X11, X12, X12
	VADDSS X12, X4, X4
	ADDQ   $4, R8
	ADDQ   $4, R13
	ADDQ   $4, R10
	ADDQ   $4, R11
	ADDQ   $4, R12
	DECQ   DX
	JMP    wtail

n32:
	CMPQ DX, $32
	JB   n8
	GRADN(0, Y0, Y4)
	GRADN(32, Y1, Y5)
	GRADN(64, Y2, Y6)
	GRADN(96, Y3, Y7)
	ADDQ $128, R8
	ADDQ $128, R13
	SUBQ $32, DX
	JMP  n32

n8:
	CMPQ DX, $8
	JB   nlanes
	GRADN(0, Y0, Y4)
	ADDQ $32, R8
	ADDQ $32, R13
	SUBQ $8, DX
	JMP  n8

nlanes:
	LANES(Y0, Y1, Y2, Y3, X0, X1)
	LANES(Y4, Y5, Y6, Y7, X4, X5)

ntail:
	TESTQ  DX, DX
	JEQ    means
	VMOVSS (R8), X11
	VSUBSS X8, X11, X11
	VMULSS X9, X11, X11
	VADDSS X10, X11, X11
	VMOVSS (R13), X12
	VADDSS X12, X0, X0
	VMULSS X11, X12, X12
	VADDSS X12, X4, X4
	ADDQ   $4, R8
	ADDQ   $4, R13
	DECQ   DX
	JMP    ntail

means:
	// Y0 = MG, Y4 = MGX, broadcast.
	VXORPS       X5, X5, X5
	VCVTSI2SSQ   CX, X5, X5
	VDIVSS       X5, X0, X0
	VDIVSS       X5, X4, X4
	VBROADCASTSS X0, Y0
	VBROADCASTSS X4, Y4

	// dst = ((gs - MG) - ((x - m) r) MGX) r.
	MOVQ dst_base+0(FP), R9
	MOVQ g_base+24(FP), R13
	MOVQ x_base+48(FP), R8
	MOVQ w_base+72(FP), R10
	XORQ AX, AX

grad8:
	LEAQ    8(AX), DX
	CMPQ    DX, CX
	JA      gradtail
	VMOVUPS (R13)(AX*4), Y12
	TESTQ   R14, R14
	JEQ     grad8n
	VMULPS  (R10)(AX*4), Y12, Y12

grad8n:
	VSUBPS  Y0, Y12, Y12
	VMOVUPS (R8)(AX*4), Y11
	VSUBPS  Y8, Y11, Y11
	VMULPS  Y9, Y11, Y11
	VMULPS  Y4, Y11, Y11
	VSUBPS  Y11, Y12, Y12
	VMULPS  Y9, Y12, Y12
	VMOVUPS Y12, (R9)(AX*4)
	MOVQ    DX, AX
	JMP     grad8

gradtail:
	CMPQ   AX, CX
	JAE    graddone
	VMOVSS (R13)(AX*4), X12
	TESTQ  R14, R14
	JEQ    gradtailn
	VMULSS (R10)(AX*4), X12, X12

gradtailn:
	VSUBSS X0, X12, X12
	VMOVSS (R8)(AX*4), X11
	VSUBSS X8, X11, X11
	VMULSS X9, X11, X11
	VMULSS X4, X11, X11
	VSUBSS X11, X12, X12
	VMULSS X9, X12, X12
	VMOVSS X12, (R9)(AX*4)
	INCQ   AX
	JMP    gradtail

graddone:
	VZEROUPPER
	RET
