#include "textflag.h"
#include "elementwise_amd64.h"

// AVX-512 versions of the float32 maps in exp.go, 16 values per step; the
// last partial step is masked. They compute in float32 throughout:
//
//   e^t: t = n ln2 + r with n = round(t log2e) and |r| <= ln2/2 (the
//   Cody-Waite reduction, ln2 split in two and applied with fused
//   multiply-adds); e^r = 1 + r + r^2 q(r) with q a degree-4 minimax
//   polynomial (relative error 3e-9); the scale by 2^n is VSCALEFPS,
//   which rounds once into the subnormal range and saturates to 0 and
//   +Inf.
//
//   ln(1+f), f in [sqrt(1/2)-1, sqrt(2)-1]: with s = f/(2+f), z = s^2,
//   ln(1+f) = 2 atanh(s) = f - (f^2/2 - s (f^2/2 + R(z))) and
//   R(z) = 2z/3 + 2z^2/5 + 2z^3/7 + 2z^4/9 (truncation below 3e-9).
//
// The largest errors measured by TestTranscendentalULP are stated on the
// exported functions in exp.go.

// Registers shared by all maps: Z16-Z23 hold the exp constants, Z24 holds
// 1, Z25 the lower clamp, Z28 the sign bit and Z29 zero. Z0 holds x and Z8
// the result (see MAP); the maps use Z1-Z15 and Z26, Z27, Z30, Z31 for
// their own constants.

#define EXPCONSTS \
	BCAST(0x3fb8aa3b, Z16) /* log2 e */ \
	BCAST(0xbf317218, Z17) /* -ln2, high part */ \
	BCAST(0x3102e308, Z18) /* -ln2, low part */ \
	BCAST(0x3efffffe, Z19) /* q(r) = c0 + c1 r + c2 r^2 + c3 r^3 + c4 r^4 */ \
	BCAST(0x3e2aaa49, Z20) \
	BCAST(0x3d2aac79, Z21) \
	BCAST(0x3c091cea, Z22) \
	BCAST(0x3ab51224, Z23) \
	BCAST(0x3f800000, Z24) /* 1 */ \
	BCAST(0xc2f00000, Z25) /* -120, below which e^t is 0 in float32 */ \
	BCAST(0x80000000, Z28) /* sign bit */ \
	VPXORD Z29, Z29, Z29

// EXPCORE splits e^t (t in Z1, clamped) into n (Z2) and p = e^r (Z4),
// so that e^t = p 2^n; Z3 is r.
#define EXPCORE \
	VMULPS      Z16, Z1, Z2 \
	VRNDSCALEPS $8, Z2, Z2 \
	VMOVAPS     Z1, Z3 \
	VFMADD231PS Z17, Z2, Z3 \
	VFMADD231PS Z18, Z2, Z3 \
	VMOVAPS     Z23, Z4 \
	VFMADD213PS Z22, Z3, Z4 \
	VFMADD213PS Z21, Z3, Z4 \
	VFMADD213PS Z20, Z3, Z4 \
	VFMADD213PS Z19, Z3, Z4 \
	VMULPS      Z3, Z3, Z5 \
	VFMADD213PS Z3, Z5, Z4 \
	VADDPS      Z24, Z4, Z4

// LOGCONSTS and LOG1P, LOG1PEND: ln(1+f) for f in Z10 into Z11, with
// Z15 = 0.5 and Z12-Z14 scratch.
#define LOGCONSTS \
	BCAST(0x3f2aaaab, Z26) /* 2/3 */ \
	BCAST(0x3ecccccd, Z27) /* 2/5 */ \
	BCAST(0x3e924925, Z30) /* 2/7 */ \
	BCAST(0x3e638e39, Z31)   // 2/9

#define LOG1P \
	VADDPS      Z24, Z24, Z12 \
	VADDPS      Z10, Z12, Z12 /* 2 + f */ \
	VDIVPS      Z12, Z10, Z12 /* s */ \
	VMULPS      Z12, Z12, Z13 /* z */ \
	VMOVAPS     Z31, Z11 \
	VFMADD213PS Z30, Z13, Z11 \
	VFMADD213PS Z27, Z13, Z11 \
	VFMADD213PS Z26, Z13, Z11 \
	VMULPS      Z13, Z11, Z11 /* R */ \
	VMULPS      Z10, Z10, Z14 \
	VMULPS      Z15, Z14, Z14 /* f^2/2 (Z15 holds 0.5) */ \
	VADDPS      Z14, Z11, Z11 \
	VMULPS      Z12, Z11, Z11 /* s (f^2/2 + R) */

// LOG1PEND finishes LOG1P: Z11 = f - (f^2/2 - Z11).
#define LOG1PEND \
	VSUBPS Z11, Z14, Z11 \
	VSUBPS Z11, Z10, Z11

// e^x: x clamped to [-120, 89] (NaN kept: VMAXPS and VMINPS return their
// first operand when either is NaN).
#define EXPBODY \
	VMAXPS    Z0, Z25, Z1 \
	VMINPS    Z1, Z26, Z1 \
	EXPCORE \
	VSCALEFPS Z2, Z4, Z8

// func expAVX512(dst, x []float32)
TEXT ·expAVX512(SB), NOSPLIT, $0-48
	EXPCONSTS
	BCAST(0x42b20000, Z26) // 89, above which e^x is +Inf
	MAP(ARGS1, LOAD1; EXPBODY; STORE)

// e^(x + s), the sum rounded as addVSAVX512 rounds it: a softmax's
// shifted exponentials in one pass. s is in Z9.
#define EXPADDBODY LOAD1; VADDPS Z9, Z0, Z0; EXPBODY; STORE

// func expAddAVX512(dst, x []float32, s float32)
TEXT ·expAddAVX512(SB), NOSPLIT, $0-52
	EXPCONSTS
	BCAST(0x42b20000, Z26)
	VBROADCASTSS s+48(FP), Z9
	MAP(ARGS1, EXPADDBODY)

// SIGPARTS leaves in Z5 the denominator 1 + e^-|x| and in K2 the lanes
// where x < 0, for which sigmoid(x) = e^-|x| / (1 + e^-|x|) = p 2^n / d.
#define SIGPARTS \
	VPORD     Z28, Z0, Z1 /* -|x| */ \
	VMAXPS    Z1, Z25, Z1 \
	EXPCORE \
	VSCALEFPS Z2, Z4, Z5 \
	VADDPS    Z24, Z5, Z5 \
	VCMPPS    $1, Z29, Z0, K2

// sigmoid(x) = num / d, scaled by 2^n where x < 0; num = 1, or p.
#define SIGMOIDBODY \
	SIGPARTS \
	VMOVAPS   Z24, Z6 \
	VMOVAPS   Z4, K2, Z6 \
	VDIVPS    Z5, Z6, Z8 \
	VSCALEFPS Z2, Z8, K2, Z8

// func sigmoidAVX512(dst, x []float32)
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-48
	EXPCONSTS
	MAP(ARGS1, LOAD1; SIGMOIDBODY; STORE)

// silu(x) = x sigmoid(x): num = x, or x p scaled by 2^n where x < 0;
// below -120 the result is x * 0 (-0, or NaN at -Inf as x * sigmoid(x)
// gives).
#define SILUFROMSIG(OUT) \
	VMOVAPS   Z0, Z6 \
	VMULPS    Z4, Z0, K2, Z6 \
	VDIVPS    Z5, Z6, OUT \
	VSCALEFPS Z2, OUT, K2, OUT \
	VCMPPS    $1, Z25, Z0, K3 \
	VMULPS    Z29, Z0, K3, OUT

#define SILUBODY SIGPARTS; SILUFROMSIG(Z8)

// func siluAVX512(dst, x []float32)
TEXT ·siluAVX512(SB), NOSPLIT, $0-48
	EXPCONSTS
	MAP(ARGS1, LOAD1; SILUBODY; STORE)

// tanh|x| = 1 - 2e/(1 + e) with e = e^-2|x|, |x| clamped to 10; below
// 0.55, |x| + |x|^3 P(x^2) with P a degree-4 minimax polynomial (relative
// error 1e-9). The sign of x is put back at the end.
#define TANHBODY \
	VPANDND     Z0, Z28, Z9 /* |x| */ \
	VMINPS      Z9, Z26, Z1 \
	VMULPS      Z27, Z1, Z1 /* -2|x| */ \
	EXPCORE \
	VSCALEFPS   Z2, Z4, Z5 \
	VADDPS      Z24, Z5, Z6 \
	VADDPS      Z5, Z5, Z5 \
	VDIVPS      Z6, Z5, Z5 \
	VSUBPS      Z5, Z24, Z8 \
	VCMPPS      $1, Z30, Z9, K2 \
	VMULPS      Z9, Z9, Z10 \
	VMOVAPS     Z15, Z11 \
	VFMADD213PS Z14, Z10, Z11 \
	VFMADD213PS Z13, Z10, Z11 \
	VFMADD213PS Z12, Z10, Z11 \
	VFMADD213PS Z31, Z10, Z11 \
	VMULPS      Z9, Z10, Z10 \
	VFMADD213PS Z9, Z10, Z11 \
	VMOVAPS     Z11, K2, Z8 \
	VPTERNLOGD  $0xf8, Z28, Z0, Z8 // Z8 | (x & sign)

// func tanhAVX512(dst, x []float32)
TEXT ·tanhAVX512(SB), NOSPLIT, $0-48
	EXPCONSTS
	BCAST(0x41200000, Z26) // 10: tanh is 1 in float32 beyond
	BCAST(0xc0000000, Z27) // -2
	BCAST(0x3f0ccccd, Z30) // 0.55
	BCAST(0xbeaaaaa5, Z31) // P
	BCAST(0x3e088693, Z12)
	BCAST(0xbd5c943d, Z13)
	BCAST(0x3cac9e81, Z14)
	BCAST(0xbbcd9815, Z15)
	MAP(ARGS1, LOAD1; TANHBODY; STORE)

// softplus(x) = max(x, 0) + ln(1 + e) with e = e^-|x| in (0, 1]: w = 1 + e
// is w' 2^k with k = 1 where w > sqrt 2, and ln(1 + e) = k ln2 +
// ln(1 + (w' - 1)) + c/w, c = e - (w - 1) correcting the rounding of w.
#define SOFTPLUSBODY \
	VPORD     Z28, Z0, Z1 \
	VMAXPS    Z1, Z25, Z1 \
	EXPCORE \
	VSCALEFPS Z2, Z4, Z5 /* e */ \
	VADDPS    Z24, Z5, Z6 /* w */ \
	VSUBPS    Z24, Z6, Z7 \
	VSUBPS    Z7, Z5, Z7 \
	VDIVPS    Z6, Z7, Z7 /* c/w */ \
	BCAST(0x3fb504f3, Z3) /* sqrt 2 */ \
	BCAST(0x3f317218, Z1) /* ln 2 */ \
	VCMPPS    $0x1e, Z3, Z6, K2 \
	VMULPS    Z15, Z6, K2, Z6 \
	VSUBPS    Z24, Z6, Z10 \
	LOG1P \
	LOG1PEND \
	VADDPS    Z7, Z11, Z11 \
	VMOVAPS   Z29, Z9 \
	VMOVAPS   Z1, K2, Z9 /* k ln2 */ \
	VADDPS    Z9, Z11, Z11 \
	VMAXPS    Z0, Z29, Z8 \
	VADDPS    Z11, Z8, Z8

// func softplusAVX512(dst, x []float32)
TEXT ·softplusAVX512(SB), NOSPLIT, $0-48
	EXPCONSTS
	LOGCONSTS
	BCAST(0x3f000000, Z15) // 0.5
	MAP(ARGS1, LOAD1; SOFTPLUSBODY; STORE)

// ln x = e ln2 + ln(1 + f) for x = (1 + f) 2^e with 1 + f in
// [sqrt(1/2), sqrt 2), from VGETMANTPS (in [1, 2), NaN for a negative x)
// and VGETEXPPS, which also take subnormals, Inf and NaN; ln2 is split so
// that e ln2hi is exact. Zero gives -Inf.
#define LOGBODY \
	VGETMANTPS  $8, Z0, Z10 \
	VGETEXPPS   Z0, Z9 \
	VCMPPS      $0x1e, Z16, Z10, K2 \
	VMULPS      Z15, Z10, K2, Z10 \
	VADDPS      Z24, Z9, K2, Z9 \
	VSUBPS      Z24, Z10, Z10 \
	LOG1P \
	VFMADD231PS Z18, Z9, Z11 \
	LOG1PEND \
	VFMADD231PS Z17, Z9, Z11 \
	VMOVAPS     Z11, Z8 \
	VCMPPS      $0, Z29, Z0, K3 \
	VMOVAPS     Z19, K3, Z8

// func logAVX512(dst, x []float32)
TEXT ·logAVX512(SB), NOSPLIT, $0-48
	LOGCONSTS
	BCAST(0x3f000000, Z15) // 0.5
	BCAST(0x3fb504f3, Z16) // sqrt 2
	BCAST(0x3f317200, Z17) // ln2, high part
	BCAST(0x35bfbe8e, Z18) // ln2, low part
	BCAST(0xff800000, Z19) // -Inf
	BCAST(0x3f800000, Z24) // 1
	VPXORD Z29, Z29, Z29
	MAP(ARGS1, LOAD1; LOGBODY; STORE)

// silu'(x) y = y (s + x s (1 - s)) with s = sigmoid(x), in the order of
// the portable loop.
#define SILUGRADBODY \
	SIGMOIDBODY \
	VMOVUPS.Z (DX), K1, Z1 \
	VSUBPS  Z8, Z24, Z9 \
	VMULPS  Z8, Z0, Z10 \
	VMULPS  Z9, Z10, Z10 \
	VADDPS  Z10, Z8, Z8 \
	VMULPS  Z1, Z8, Z8

// func siluGradAVX512(dst, x, y []float32)
TEXT ·siluGradAVX512(SB), NOSPLIT, $0-72
	EXPCONSTS
	MAP(ARGS2, LOAD1; SILUGRADBODY; STORE)

// silu(x) to y as SILUBODY and silu'(x) as SILUGRADBODY (before its
// product with the gradient), from one exponential; the derivative is
// left in Z8 for STORE.
#define SILUKEEPBODY \
	SIGMOIDBODY \
	SILUFROMSIG(Z11) \
	VMOVUPS   Z11, K1, (DX) \
	VSUBPS    Z8, Z24, Z9 \
	VMULPS    Z8, Z0, Z10 \
	VMULPS    Z9, Z10, Z10 \
	VADDPS    Z10, Z8, Z8

// func siluKeepAVX512(dst, x, y []float32)
TEXT ·siluKeepAVX512(SB), NOSPLIT, $0-72
	EXPCONSTS
	MAP(ARGS2, LOAD1; SILUKEEPBODY; STORE)

// SUM32 adds the two sixteen-lane sums Z11 (lanes 0-15) and Z12 (lanes
// 16-31) into X11 as sumAVX combines its four eight-lane sums.
#define SUM32 \
	VEXTRACTF64X4 $1, Z11, Y1 \
	VADDPS        Y1, Y11, Y11 \
	VEXTRACTF64X4 $1, Z12, Y2 \
	VADDPS        Y2, Y12, Y12 \
	VADDPS        Y12, Y11, Y11 \
	VEXTRACTF128  $1, Y11, X1 \
	VADDPS        X1, X11, X11 \
	VPERMILPS     $0xb1, X11, X1 \
	VADDPS        X1, X11, X11 \
	VMOVHLPS      X11, X11, X1 \
	VADDSS        X1, X11, X11

// func softmaxRowsAVX512(w []float32, n int)
//
// Each row of n values of w (n a multiple of 8, at most sumBlock) set to
// its softmax in place, as softmaxRow computes it: the row's maximum m
// (NaN if the row holds one, 0 if it is -Inf), e^(x - m) as expAddAVX512
// computes it, their sum s in the lanes and order of Sum, and the
// exponentials times 1/s, or 0 where s is 0. Z11 and Z12 hold the sum's
// lanes 0-15 and 16-31, K4 the lower eight lanes.
TEXT ·softmaxRowsAVX512(SB), NOSPLIT, $0-32
	MOVQ w_base+0(FP), DI
	MOVQ w_len+8(FP), BX
	MOVQ n+24(FP), R8
	EXPCONSTS
	BCAST(0x42b20000, Z26)
	BCAST(0xff800000, Z30) // -Inf
	MOVL  $0xff, AX
	KMOVW AX, K4

smrow:
	CMPQ BX, R8
	JB   smdone
	TESTQ R8, R8
	JEQ  smdone

	// m = max of the row; K3 marks NaN lanes.
	VMOVAPS Z30, Z10
	KXORW   K3, K3, K3
	MOVQ    DI, SI
	MOVQ    R8, CX

smmax:
	CMPQ    CX, $16
	JB      smmaxeight
	VMOVUPS (SI), Z1
	VCMPPS  $3, Z1, Z1, K2
	KORW    K2, K3, K3
	VMAXPS  Z1, Z10, Z10
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     smmax

smmaxeight:
	TESTQ   CX, CX
	JEQ     smmaxall
	VMOVAPS Z30, Z1
	VMOVUPS (SI), K4, Z1
	VCMPPS  $3, Z1, Z1, K2
	KORW    K2, K3, K3
	VMAXPS  Z1, Z10, Z10

smmaxall:
	VEXTRACTF64X4 $1, Z10, Y1
	VMAXPS        Y1, Y10, Y10
	VEXTRACTF128  $1, Y10, X1
	VMAXPS        X1, X10, X10
	VPERMILPS     $0x4e, X10, X1
	VMAXPS        X1, X10, X10
	VPERMILPS     $0xb1, X10, X1
	VMAXPS        X1, X10, X10
	VMOVD         X10, AX
	KORTESTW      K3, K3
	JZ            smnonan
	MOVL          $0x7fc00000, AX

smnonan:
	CMPL AX, $0xff800000
	JNE  smshift
	XORL AX, AX

smshift:
	XORL         $0x80000000, AX // -m
	VMOVD        AX, X9
	VBROADCASTSS X9, Z9

	// e^(x - m) in place, summed.
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	MOVQ   DI, SI
	MOVQ   R8, CX

smexp:
	CMPQ    CX, $32
	JB      smexpsixteen
	VMOVUPS (SI), Z0
	VADDPS  Z9, Z0, Z0
	EXPBODY
	VMOVUPS Z8, (SI)
	VADDPS  Z8, Z11, Z11
	VMOVUPS 64(SI), Z0
	VADDPS  Z9, Z0, Z0
	EXPBODY
	VMOVUPS Z8, 64(SI)
	VADDPS  Z8, Z12, Z12
	ADDQ    $128, SI
	SUBQ    $32, CX
	JMP     smexp

	// Sixteen at a time, stored whole (the scaling below reads them
	// back sixteen at a time), summed eight by eight into lanes 0-7.
smexpsixteen:
	CMPQ          CX, $16
	JB            smexpeight
	VMOVUPS       (SI), Z0
	VADDPS        Z9, Z0, Z0
	EXPBODY
	VMOVUPS       Z8, (SI)
	VADDPS        Z8, Z11, K4, Z11
	VEXTRACTF64X4 $1, Z8, Y7
	VADDPS        Z7, Z11, K4, Z11
	ADDQ          $64, SI
	SUBQ          $16, CX
	JMP           smexpsixteen

smexpeight:
	CMPQ    CX, $8
	JB      smsum
	VMOVUPS.Z (SI), K4, Z0
	VADDPS  Z9, Z0, Z0
	EXPBODY
	VMOVUPS Z8, K4, (SI)
	VADDPS  Z8, Z11, K4, Z11
	ADDQ    $32, SI
	SUBQ    $8, CX
	JMP     smexpeight

smsum:
	SUM32

	// Times 1/s, or 0 where s is 0.
	VXORPS   X9, X9, X9
	VUCOMISS X9, X11
	JNE      smrecip
	JPC      smscale

smrecip:
	VMOVAPS X24, X9
	VDIVSS  X11, X9, X9

smscale:
	VBROADCASTSS X9, Z9
	MOVQ         DI, SI
	MOVQ         R8, CX

smmul:
	CMPQ    CX, $16
	JB      smmuleight
	VMULPS  (SI), Z9, Z8
	VMOVUPS Z8, (SI)
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     smmul

smmuleight:
	TESTQ     CX, CX
	JEQ       smnext
	VMOVUPS.Z (SI), K4, Z0
	VMULPS    Z9, Z0, Z8
	VMOVUPS   Z8, K4, (SI)

smnext:
	MOVQ R8, AX
	SHLQ $2, AX
	ADDQ AX, DI
	SUBQ R8, BX
	JMP  smrow

smdone:
	VZEROUPPER
	RET

// func softmaxGradRowsAVX512(g, y []float32, n int)
//
// Each row of n values of g (n a multiple of 8, at most sumBlock) set in
// place to (g - <g, y>) y with y's row, as softmaxGradRow computes it: the
// products rounded and summed in the lanes and order of Dot.
TEXT ·softmaxGradRowsAVX512(SB), NOSPLIT, $0-56
	MOVQ g_base+0(FP), DI
	MOVQ g_len+8(FP), BX
	MOVQ y_base+24(FP), DX
	MOVQ n+48(FP), R8
	MOVL  $0xff, AX
	KMOVW AX, K4

sgrow:
	CMPQ  BX, R8
	JB    sgdone
	TESTQ R8, R8
	JEQ   sgdone
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	MOVQ   DI, SI
	MOVQ   DX, R9
	MOVQ   R8, CX

sgdot:
	CMPQ    CX, $32
	JB      sgdoteight
	VMOVUPS (SI), Z0
	VMULPS  (R9), Z0, Z0
	VADDPS  Z0, Z11, Z11
	VMOVUPS 64(SI), Z0
	VMULPS  64(R9), Z0, Z0
	VADDPS  Z0, Z12, Z12
	ADDQ    $128, SI
	ADDQ    $128, R9
	SUBQ    $32, CX
	JMP     sgdot

sgdoteight:
	CMPQ      CX, $8
	JB        sgsum
	VMOVUPS.Z (SI), K4, Z0
	VMOVUPS.Z (R9), K4, Z1
	VMULPS    Z1, Z0, Z0
	VADDPS    Z0, Z11, K4, Z11
	ADDQ      $32, SI
	ADDQ      $32, R9
	SUBQ      $8, CX
	JMP       sgdoteight

sgsum:
	SUM32
	VMOVD        X11, AX
	XORL         $0x80000000, AX // -<g, y>
	VMOVD        AX, X9
	VBROADCASTSS X9, Z9
	MOVQ         DI, SI
	MOVQ         DX, R9
	MOVQ         R8, CX

sgmul:
	CMPQ    CX, $16
	JB      sgmuleight
	VMOVUPS (SI), Z0
	VADDPS  Z9, Z0, Z0
	VMULPS  (R9), Z0, Z8
	VMOVUPS Z8, (SI)
	ADDQ    $64, SI
	ADDQ    $64, R9
	SUBQ    $16, CX
	JMP     sgmul

sgmuleight:
	TESTQ     CX, CX
	JEQ       sgnext
	VMOVUPS.Z (SI), K4, Z0
	VMOVUPS.Z (R9), K4, Z1
	VADDPS    Z9, Z0, Z0
	VMULPS    Z1, Z0, Z8
	VMOVUPS   Z8, K4, (SI)

sgnext:
	MOVQ R8, AX
	SHLQ $2, AX
	ADDQ AX, DI
	ADDQ AX, DX
	SUBQ R8, BX
	JMP  sgrow

sgdone:
	VZEROUPPER
	RET
