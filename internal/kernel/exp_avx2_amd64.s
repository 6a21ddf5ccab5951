#include "textflag.h"
#include "elementwise_amd64.h"
#include "elementwise_avx2_amd64.h"

// AVX2+FMA versions of the float32 maps of exp_amd64.s, 8 values per step,
// with the same operations in the same order, so that they give the same
// bits. Where the AVX-512 loops use instructions AVX2 lacks:
//
//   p 2^n (VSCALEFPS) is p 2^n1 2^n2 with n1 = floor(n/2) and n2 = n - n1,
//   each factor built from its exponent bits: for the n of these maps
//   both lie in [-87, 64], the first product is exact and the second
//   rounds once, as VSCALEFPS does, subnormal results included.
//
//   the exponent and mantissa of log's argument (VGETEXPPS, VGETMANTPS)
//   come from its bits, after scaling a subnormal by 2^23; zero, negative
//   numbers, +Inf and NaN are set apart at the end.
//
// With 16 registers the constants are broadcast from ec<> where used;
// Y13 holds zero, Y14 one and Y15 the lanes of the step (YMAP).

DATA ec<>+0(SB)/4, $0x3fb8aa3b   // log2 e
DATA ec<>+4(SB)/4, $0xbf317218   // -ln2, high part
DATA ec<>+8(SB)/4, $0x3102e308   // -ln2, low part
DATA ec<>+12(SB)/4, $0x3efffffe  // q(r) = c0 + c1 r + c2 r^2 + c3 r^3 + c4 r^4
DATA ec<>+16(SB)/4, $0x3e2aaa49
DATA ec<>+20(SB)/4, $0x3d2aac79
DATA ec<>+24(SB)/4, $0x3c091cea
DATA ec<>+28(SB)/4, $0x3ab51224
DATA ec<>+32(SB)/4, $0xc2f00000  // -120, below which e^t is 0 in float32
DATA ec<>+36(SB)/4, $0x42b20000  // 89, above which e^x is +Inf
DATA ec<>+40(SB)/4, $0x80000000  // sign bit
DATA ec<>+44(SB)/4, $0x0000007f  // exponent bias
DATA ec<>+48(SB)/4, $0x3f2aaaab  // 2/3
DATA ec<>+52(SB)/4, $0x3ecccccd  // 2/5
DATA ec<>+56(SB)/4, $0x3e924925  // 2/7
DATA ec<>+60(SB)/4, $0x3e638e39  // 2/9
DATA ec<>+64(SB)/4, $0x3f000000  // 0.5
DATA ec<>+68(SB)/4, $0x3fb504f3  // sqrt 2
DATA ec<>+72(SB)/4, $0x3f317218  // ln 2
DATA ec<>+76(SB)/4, $0x3f317200  // ln2, high part (log)
DATA ec<>+80(SB)/4, $0x35bfbe8e  // ln2, low part (log)
DATA ec<>+84(SB)/4, $0xff800000  // -Inf
DATA ec<>+88(SB)/4, $0x41200000  // 10: tanh is 1 in float32 beyond
DATA ec<>+92(SB)/4, $0xc0000000  // -2
DATA ec<>+96(SB)/4, $0x3f0ccccd  // 0.55
DATA ec<>+100(SB)/4, $0xbeaaaaa5 // tanh's P
DATA ec<>+104(SB)/4, $0x3e088693
DATA ec<>+108(SB)/4, $0xbd5c943d
DATA ec<>+112(SB)/4, $0x3cac9e81
DATA ec<>+116(SB)/4, $0xbbcd9815
DATA ec<>+120(SB)/4, $0x007fffff // mantissa bits
DATA ec<>+124(SB)/4, $0x00800000 // smallest normal
DATA ec<>+128(SB)/4, $0x4b000000 // 2^23
DATA ec<>+132(SB)/4, $0x41b80000 // 23
DATA ec<>+136(SB)/4, $0x7f800000 // +Inf
DATA ec<>+140(SB)/4, $0x7fc00000 // NaN
GLOBL ec<>(SB), RODATA|NOPTR, $144

#define C(off, y) VBROADCASTSS ec<>+off(SB), y

// YEXPCORE splits e^t (t in Y1, clamped) into n (Y2) and p = e^r (Y4), so
// that e^t = p 2^n; Y3 is r, Y5 and Y6 are scratch.
#define YEXPCORE \
	C(0, Y6) \
	VMULPS      Y6, Y1, Y2 \
	VROUNDPS    $8, Y2, Y2 \
	VMOVAPS     Y1, Y3 \
	C(4, Y6) \
	VFMADD231PS Y6, Y2, Y3 \
	C(8, Y6) \
	VFMADD231PS Y6, Y2, Y3 \
	C(28, Y4) \
	C(24, Y6) \
	VFMADD213PS Y6, Y3, Y4 \
	C(20, Y6) \
	VFMADD213PS Y6, Y3, Y4 \
	C(16, Y6) \
	VFMADD213PS Y6, Y3, Y4 \
	C(12, Y6) \
	VFMADD213PS Y6, Y3, Y4 \
	VMULPS      Y3, Y3, Y5 \
	VFMADD213PS Y3, Y5, Y4 \
	VADDPS      Y14, Y4, Y4

// YSCALE sets dst = src 2^n for n in Y2; Y10-Y12 are scratch.
#define YSCALE(src, dst) \
	VCVTPS2DQ    Y2, Y10 \
	VPSRAD       $1, Y10, Y11 \
	VPSUBD       Y11, Y10, Y10 \
	VPBROADCASTD ec<>+44(SB), Y12 \
	VPADDD       Y12, Y11, Y11 \
	VPADDD       Y12, Y10, Y10 \
	VPSLLD       $23, Y11, Y11 \
	VPSLLD       $23, Y10, Y10 \
	VMULPS       Y11, src, dst \
	VMULPS       Y10, dst, dst

// YLOG1P and YLOG1PEND: ln(1+f) for f in Y10 into Y11 as LOG1P and
// LOG1PEND do; Y1-Y3 and Y12 are scratch, Y3 carrying f^2/2 to the end.
#define YLOG1P \
	VADDPS      Y14, Y14, Y12 \
	VADDPS      Y10, Y12, Y12 \
	VDIVPS      Y12, Y10, Y12 \
	VMULPS      Y12, Y12, Y1 \
	C(60, Y11) \
	C(56, Y2) \
	VFMADD213PS Y2, Y1, Y11 \
	C(52, Y2) \
	VFMADD213PS Y2, Y1, Y11 \
	C(48, Y2) \
	VFMADD213PS Y2, Y1, Y11 \
	VMULPS      Y1, Y11, Y11 \
	VMULPS      Y10, Y10, Y3 \
	C(64, Y2) \
	VMULPS      Y2, Y3, Y3 \
	VADDPS      Y3, Y11, Y11 \
	VMULPS      Y12, Y11, Y11

#define YLOG1PEND \
	VSUBPS Y11, Y3, Y11 \
	VSUBPS Y11, Y10, Y11

// e^x with x clamped to [-120, 89], NaN kept.
#define YEXPBODY \
	YLOAD1 \
	C(32, Y6) \
	VMAXPS Y0, Y6, Y1 \
	C(36, Y6) \
	VMINPS Y1, Y6, Y1 \
	YEXPCORE \
	YSCALE(Y4, Y8)

// func expAVX2(dst, x []float32)
TEXT ·expAVX2(SB), NOSPLIT, $0-48
	YONES
	YMAP(ARGS1, YEXPBODY)

// YSIGPARTS leaves in Y5 the denominator 1 + e^-|x| and in Y9 the lanes
// where x < 0 (see SIGPARTS).
#define YSIGPARTS \
	YLOAD1 \
	C(40, Y6) \
	VORPS  Y6, Y0, Y1 \
	C(32, Y6) \
	VMAXPS Y1, Y6, Y1 \
	YEXPCORE \
	YSCALE(Y4, Y5) \
	VADDPS Y14, Y5, Y5 \
	VCMPPS $1, Y13, Y0, Y9

#define YSIGMOIDBODY \
	YSIGPARTS \
	VBLENDVPS Y9, Y4, Y14, Y6 \
	VDIVPS    Y5, Y6, Y8 \
	YSCALE(Y8, Y7) \
	VBLENDVPS Y9, Y7, Y8, Y8

// func sigmoidAVX2(dst, x []float32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-48
	YONES
	YMAP(ARGS1, YSIGMOIDBODY)

#define YSILUFROMSIG(OUT) \
	VMULPS    Y4, Y0, Y6 \
	VBLENDVPS Y9, Y6, Y0, Y6 \
	VDIVPS    Y5, Y6, OUT \
	YSCALE(OUT, Y7) \
	VBLENDVPS Y9, Y7, OUT, OUT \
	C(32, Y6) \
	VCMPPS    $1, Y6, Y0, Y6 \
	VMULPS    Y13, Y0, Y7 \
	VBLENDVPS Y6, Y7, OUT, OUT

#define YSILUBODY YSIGPARTS; YSILUFROMSIG(Y8)

// func siluAVX2(dst, x []float32)
TEXT ·siluAVX2(SB), NOSPLIT, $0-48
	YONES
	YMAP(ARGS1, YSILUBODY)

#define YTANHBODY \
	YLOAD1 \
	C(40, Y6) \
	VANDNPS     Y0, Y6, Y9 \
	C(88, Y6) \
	VMINPS      Y9, Y6, Y1 \
	C(92, Y6) \
	VMULPS      Y6, Y1, Y1 \
	YEXPCORE \
	YSCALE(Y4, Y5) \
	VADDPS      Y14, Y5, Y6 \
	VADDPS      Y5, Y5, Y5 \
	VDIVPS      Y6, Y5, Y5 \
	VSUBPS      Y5, Y14, Y8 \
	C(96, Y6) \
	VCMPPS      $1, Y6, Y9, Y7 \
	VMULPS      Y9, Y9, Y10 \
	C(116, Y11) \
	C(112, Y6) \
	VFMADD213PS Y6, Y10, Y11 \
	C(108, Y6) \
	VFMADD213PS Y6, Y10, Y11 \
	C(104, Y6) \
	VFMADD213PS Y6, Y10, Y11 \
	C(100, Y6) \
	VFMADD213PS Y6, Y10, Y11 \
	VMULPS      Y9, Y10, Y10 \
	VFMADD213PS Y9, Y10, Y11 \
	VBLENDVPS   Y7, Y11, Y8, Y8 \
	C(40, Y6) \
	VANDPS      Y6, Y0, Y6 \
	VORPS       Y6, Y8, Y8

// func tanhAVX2(dst, x []float32)
TEXT ·tanhAVX2(SB), NOSPLIT, $0-48
	YONES
	YMAP(ARGS1, YTANHBODY)

#define YSOFTPLUSBODY \
	YLOAD1 \
	C(40, Y6) \
	VORPS     Y6, Y0, Y1 \
	C(32, Y6) \
	VMAXPS    Y1, Y6, Y1 \
	YEXPCORE \
	YSCALE(Y4, Y5) \
	VADDPS    Y14, Y5, Y6 \
	VSUBPS    Y14, Y6, Y7 \
	VSUBPS    Y7, Y5, Y7 \
	VDIVPS    Y6, Y7, Y7 \
	C(68, Y3) \
	VCMPPS    $0x1e, Y3, Y6, Y9 \
	C(64, Y3) \
	VMULPS    Y3, Y6, Y3 \
	VBLENDVPS Y9, Y3, Y6, Y6 \
	VSUBPS    Y14, Y6, Y10 \
	YLOG1P \
	YLOG1PEND \
	VADDPS    Y7, Y11, Y11 \
	C(72, Y1) \
	VANDPS    Y9, Y1, Y1 \
	VADDPS    Y1, Y11, Y11 \
	VMAXPS    Y0, Y13, Y8 \
	VADDPS    Y11, Y8, Y8

// func softplusAVX2(dst, x []float32)
TEXT ·softplusAVX2(SB), NOSPLIT, $0-48
	YONES
	YMAP(ARGS1, YSOFTPLUSBODY)

// ln x: a subnormal x is scaled by 2^23 (and 23 taken off its exponent);
// the exponent e (Y9) and the mantissa m in [1, 2) (Y10) are read from the
// bits, then as LOGBODY. Zero gives -Inf, +Inf itself, and a negative x
// or NaN gives NaN.
#define YLOGBODY \
	YLOAD1 \
	C(124, Y6) \
	VCMPPS       $1, Y6, Y0, Y7 \
	C(128, Y6) \
	VMULPS       Y6, Y0, Y1 \
	VBLENDVPS    Y7, Y1, Y0, Y1 \
	C(132, Y6) \
	VANDPS       Y7, Y6, Y6 \
	VPSRLD       $23, Y1, Y9 \
	VPBROADCASTD ec<>+44(SB), Y2 \
	VPSUBD       Y2, Y9, Y9 \
	VCVTDQ2PS    Y9, Y9 \
	VSUBPS       Y6, Y9, Y9 \
	VPBROADCASTD ec<>+120(SB), Y2 \
	VPAND        Y2, Y1, Y10 \
	VPOR         Y14, Y10, Y10 \
	C(68, Y2) \
	VCMPPS       $0x1e, Y2, Y10, Y12 \
	C(64, Y2) \
	VMULPS       Y2, Y10, Y2 \
	VBLENDVPS    Y12, Y2, Y10, Y10 \
	VANDPS       Y12, Y14, Y2 \
	VADDPS       Y2, Y9, Y9 \
	VSUBPS       Y14, Y10, Y10 \
	YLOG1P \
	C(80, Y2) \
	VFMADD231PS  Y2, Y9, Y11 \
	YLOG1PEND \
	C(76, Y2) \
	VFMADD231PS  Y2, Y9, Y11 \
	C(136, Y2) \
	VCMPPS       $0, Y2, Y0, Y3 \
	VBLENDVPS    Y3, Y2, Y11, Y8 \
	VCMPPS       $0, Y13, Y0, Y3 \
	C(84, Y2) \
	VBLENDVPS    Y3, Y2, Y8, Y8 \
	VCMPPS       $0x09, Y13, Y0, Y3 \
	C(140, Y2) \
	VBLENDVPS    Y3, Y2, Y8, Y8

// func logAVX2(dst, x []float32)
TEXT ·logAVX2(SB), NOSPLIT, $0-48
	YONES
	YMAP(ARGS1, YLOGBODY)

// silu'(x) y as SILUGRADBODY: the gradient g is read after the sigmoid.
#define YSILUGRADBODY \
	YSIGMOIDBODY \
	VMASKMOVPS (DX), Y15, Y1 \
	VSUBPS     Y8, Y14, Y9 \
	VMULPS     Y8, Y0, Y10 \
	VMULPS     Y9, Y10, Y10 \
	VADDPS     Y10, Y8, Y8 \
	VMULPS     Y1, Y8, Y8

// func siluGradAVX2(dst, x, y []float32)
TEXT ·siluGradAVX2(SB), NOSPLIT, $0-72
	YONES
	YMAP(ARGS2, YSILUGRADBODY)

// silu(x) to y as YSILUBODY and silu'(x) as YSILUGRADBODY (before its
// product with the gradient), from one exponential; the derivative is
// left in Y8 for YMAP.
#define YSILUKEEPBODY \
	YSIGMOIDBODY \
	YSILUFROMSIG(Y1) \
	VMASKMOVPS Y1, Y15, (DX) \
	VSUBPS     Y8, Y14, Y9 \
	VMULPS     Y8, Y0, Y10 \
	VMULPS     Y9, Y10, Y10 \
	VADDPS     Y10, Y8, Y8

// func siluKeepAVX2(dst, x, y []float32)
TEXT ·siluKeepAVX2(SB), NOSPLIT, $0-72
	YONES
	YMAP(ARGS2, YSILUKEEPBODY)
