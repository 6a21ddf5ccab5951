#include "textflag.h"

// StepClamp's loops: v = y + (a*g + b*n), then max(v, lo) and min(., hi)
// as Go's: a lane below lo (above hi) takes lo (hi), an equal one the
// bits of v and lo ANDed (ORed), which is v unless both are zeros of
// opposite signs, where max gives +0 and min -0; a NaN compares neither
// below, above nor equal and stays.

// func stepClampAVX512(y, g, n []float32, a, b, lo, hi float32)
//
// Sixteen values a step, the last partial step masked.
TEXT ·stepClampAVX512(SB), NOSPLIT, $0-88
	MOVQ         y_base+0(FP), DI
	MOVQ         y_len+8(FP), CX
	MOVQ         g_base+24(FP), SI
	MOVQ         n_base+48(FP), DX
	VBROADCASTSS a+72(FP), Z16
	VBROADCASTSS b+76(FP), Z17
	VBROADCASTSS lo+80(FP), Z18
	VBROADCASTSS hi+84(FP), Z19
	MOVL         $0xffff, AX
	KMOVW        AX, K1

sc512loop:
	CMPQ  CX, $16
	JAE   sc512body
	TESTQ CX, CX
	JEQ   sc512done
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1

sc512body:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DX), K1, Z1
	VMOVUPS.Z (DI), K1, Z2
	VMULPS    Z16, Z0, Z0
	VMULPS    Z17, Z1, Z1
	VADDPS    Z1, Z0, Z0
	VADDPS    Z0, Z2, Z2
	VCMPPS    $0x11, Z18, Z2, K2
	VCMPPS    $0x00, Z18, Z2, K3
	VMOVAPS   Z18, K2, Z2
	VPANDD    Z18, Z2, K3, Z2
	VCMPPS    $0x1e, Z19, Z2, K2
	VCMPPS    $0x00, Z19, Z2, K3
	VMOVAPS   Z19, K2, Z2
	VPORD     Z19, Z2, K3, Z2
	VMOVUPS   Z2, K1, (DI)
	ADDQ      $64, SI
	ADDQ      $64, DX
	ADDQ      $64, DI
	SUBQ      $16, CX
	JGT       sc512loop

sc512done:
	VZEROUPPER
	RET

// func stepClampAVX2(y, g, n []float32, a, b, lo, hi float32)
//
// Eight values a step; len(y) is a multiple of eight.
TEXT ·stepClampAVX2(SB), NOSPLIT, $0-88
	MOVQ         y_base+0(FP), DI
	MOVQ         y_len+8(FP), CX
	MOVQ         g_base+24(FP), SI
	MOVQ         n_base+48(FP), DX
	VBROADCASTSS a+72(FP), Y8
	VBROADCASTSS b+76(FP), Y9
	VBROADCASTSS lo+80(FP), Y10
	VBROADCASTSS hi+84(FP), Y11
	SHRQ         $3, CX
	JEQ          sc2done

sc2loop:
	VMOVUPS   (SI), Y0
	VMOVUPS   (DX), Y1
	VMOVUPS   (DI), Y2
	VMULPS    Y8, Y0, Y0
	VMULPS    Y9, Y1, Y1
	VADDPS    Y1, Y0, Y0
	VADDPS    Y0, Y2, Y2
	VCMPPS    $0x11, Y10, Y2, Y3
	VCMPPS    $0x00, Y10, Y2, Y4
	VANDPS    Y10, Y2, Y5
	VBLENDVPS Y3, Y10, Y2, Y2
	VBLENDVPS Y4, Y5, Y2, Y2
	VCMPPS    $0x1e, Y11, Y2, Y3
	VCMPPS    $0x00, Y11, Y2, Y4
	VORPS     Y11, Y2, Y5
	VBLENDVPS Y3, Y11, Y2, Y2
	VBLENDVPS Y4, Y5, Y2, Y2
	VMOVUPS   Y2, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DX
	ADDQ      $32, DI
	DECQ      CX
	JNE       sc2loop

sc2done:
	VZEROUPPER
	RET
