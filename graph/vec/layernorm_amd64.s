#include "textflag.h"

// Layer norm row kernels: float32 loads widened to four float64 lanes
// (VCVTPS2PD), float64 arithmetic in the order of the Go code in
// layernorm.go, results narrowed with VCVTPD2PS (round to nearest). n is a
// positive multiple of 4 in every kernel.

// func sum4AVX2(x *float32, n int, sums *[4]float64)
TEXT ·sum4AVX2(SB), NOSPLIT, $0-24
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ sums+16(FP), DI
	VXORPD Y0, Y0, Y0
	XORQ AX, AX

sum4_loop:
	VCVTPS2PD (SI)(AX*4), Y1
	VADDPD Y1, Y0, Y0
	ADDQ $4, AX
	CMPQ AX, CX
	JLT sum4_loop
	VMOVUPD Y0, (DI)
	VZEROUPPER
	RET

// func sqDev4AVX2(x *float32, n int, mean float64, sums *[4]float64)
TEXT ·sqDev4AVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ n+8(FP), CX
	VBROADCASTSD mean+16(FP), Y2
	MOVQ sums+24(FP), DI
	VXORPD Y0, Y0, Y0
	XORQ AX, AX

sqdev_loop:
	VCVTPS2PD (SI)(AX*4), Y1
	VSUBPD Y2, Y1, Y1
	VMULPD Y1, Y1, Y1
	VADDPD Y1, Y0, Y0
	ADDQ $4, AX
	CMPQ AX, CX
	JLT sqdev_loop
	VMOVUPD Y0, (DI)
	VZEROUPPER
	RET

// func normAVX2(out, x, gamma, beta *float32, n int, mean, rstd float64)
//
// out = float32(((x - mean)·rstd)·gamma + beta).
TEXT ·normAVX2(SB), NOSPLIT, $0-56
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ gamma+16(FP), R8
	MOVQ beta+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSD mean+40(FP), Y14
	VBROADCASTSD rstd+48(FP), Y15
	XORQ AX, AX

norm_loop:
	VCVTPS2PD (SI)(AX*4), Y0
	VSUBPD Y14, Y0, Y0
	VMULPD Y15, Y0, Y0
	VCVTPS2PD (R8)(AX*4), Y1
	VMULPD Y1, Y0, Y0
	VCVTPS2PD (R9)(AX*4), Y2
	VADDPD Y2, Y0, Y0
	VCVTPD2PSY Y0, X0
	VMOVUPS X0, (DI)(AX*4)
	ADDQ $4, AX
	CMPQ AX, CX
	JLT norm_loop
	VZEROUPPER
	RET

// func gradSumsAVX2(x, gamma, dy *float32, n int, mean, rstd float64, sums *[2][4]float64)
//
// sums[0] += a, sums[1] += a·xh lane-wise, a = dy·gamma, xh = (x - mean)·rstd.
TEXT ·gradSumsAVX2(SB), NOSPLIT, $0-56
	MOVQ x+0(FP), SI
	MOVQ gamma+8(FP), R8
	MOVQ dy+16(FP), R9
	MOVQ n+24(FP), CX
	VBROADCASTSD mean+32(FP), Y14
	VBROADCASTSD rstd+40(FP), Y15
	MOVQ sums+48(FP), DI
	VXORPD Y10, Y10, Y10
	VXORPD Y11, Y11, Y11
	XORQ AX, AX

gsum_loop:
	VCVTPS2PD (SI)(AX*4), Y0
	VSUBPD Y14, Y0, Y0
	VMULPD Y15, Y0, Y0
	VCVTPS2PD (R9)(AX*4), Y1
	VCVTPS2PD (R8)(AX*4), Y2
	VMULPD Y2, Y1, Y1
	VADDPD Y1, Y10, Y10
	VMULPD Y0, Y1, Y1
	VADDPD Y1, Y11, Y11
	ADDQ $4, AX
	CMPQ AX, CX
	JLT gsum_loop
	VMOVUPD Y10, (DI)
	VMOVUPD Y11, 32(DI)
	VZEROUPPER
	RET

// func normGradAVX2(dx, x, gamma, dy *float32, n int, mean, rstd, mg, mgx float64)
//
// dx = float32(rstd·((dy·gamma - mg) - xh·mgx)), xh = (x - mean)·rstd.
TEXT ·normGradAVX2(SB), NOSPLIT, $0-72
	MOVQ dx+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ gamma+16(FP), R8
	MOVQ dy+24(FP), R9
	MOVQ n+32(FP), CX
	VBROADCASTSD mean+40(FP), Y12
	VBROADCASTSD rstd+48(FP), Y13
	VBROADCASTSD mg+56(FP), Y14
	VBROADCASTSD mgx+64(FP), Y15
	XORQ AX, AX

ngrad_loop:
	VCVTPS2PD (SI)(AX*4), Y0
	VSUBPD Y12, Y0, Y0
	VMULPD Y13, Y0, Y0
	VCVTPS2PD (R9)(AX*4), Y1
	VCVTPS2PD (R8)(AX*4), Y2
	VMULPD Y2, Y1, Y1
	VSUBPD Y14, Y1, Y1
	VMULPD Y15, Y0, Y0
	VSUBPD Y0, Y1, Y1
	VMULPD Y1, Y13, Y1
	VCVTPD2PSY Y1, X1
	VMOVUPS X1, (DI)(AX*4)
	ADDQ $4, AX
	CMPQ AX, CX
	JLT ngrad_loop
	VZEROUPPER
	RET

// func accGammaAVX2(acc *float64, x, dy *float32, n int, mean, rstd float64)
//
// acc += (dy·(x - mean))·rstd.
TEXT ·accGammaAVX2(SB), NOSPLIT, $0-48
	MOVQ acc+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ dy+16(FP), R9
	MOVQ n+24(FP), CX
	VBROADCASTSD mean+32(FP), Y14
	VBROADCASTSD rstd+40(FP), Y15
	XORQ AX, AX

accg_loop:
	VCVTPS2PD (SI)(AX*4), Y0
	VSUBPD Y14, Y0, Y0
	VCVTPS2PD (R9)(AX*4), Y1
	VMULPD Y0, Y1, Y1
	VMULPD Y15, Y1, Y1
	VADDPD (DI)(AX*8), Y1, Y1
	VMOVUPD Y1, (DI)(AX*8)
	ADDQ $4, AX
	CMPQ AX, CX
	JLT accg_loop
	VZEROUPPER
	RET
