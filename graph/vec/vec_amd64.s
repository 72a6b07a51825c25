#include "textflag.h"

// func reluMulAVX2(out, x, a, b *float32, n int)
//
// Y0 holds zeros; per 8 elements Y2 = (x > 0) as a mask (GT_OQ: false for
// NaN) and Y3 = a·b masked by it.
TEXT ·reluMulAVX2(SB), NOSPLIT, $0-40
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ a+16(FP), R8
	MOVQ b+24(FP), R9
	MOVQ n+32(FP), CX
	VXORPS Y0, Y0, Y0
	XORQ AX, AX

relu_loop:
	VMOVUPS (SI)(AX*4), Y1
	VCMPPS $0x1e, Y0, Y1, Y2
	VMOVUPS (R8)(AX*4), Y3
	VMULPS (R9)(AX*4), Y3, Y3
	VANDPS Y2, Y3, Y3
	VMOVUPS Y3, (DI)(AX*4)
	ADDQ $8, AX
	CMPQ AX, CX
	JLT relu_loop
	VZEROUPPER
	RET

// EXP8 computes Y4 = exp(Y0 - Y15) for 8 lanes, Y0 becoming z = x - shift:
// Y1 = t = z clamped (NaN kept: it is the second source of VMAXPS and
// VMINPS), Y2 = f = round(t·log2e), Y1 = r, Y4 = y = P(r), Y6 = 2^f, then
// lanes with z < lo set to 0 and z > hi to +Inf. R10 points at the table,
// Y13 holds lo and Y12 hi; Y3, Y5, Y6 and Y7 are scratch.
#define EXP8 \
	VSUBPS Y15, Y0, Y0 \
	VMAXPS Y0, Y13, Y1 \
	VMINPS Y1, Y12, Y1 \
	VMULPS 64(R10), Y1, Y2 \
	VROUNDPS $0, Y2, Y2 \
	VMULPS 96(R10), Y2, Y3 \
	VSUBPS Y3, Y1, Y1 \
	VMULPS 128(R10), Y2, Y3 \
	VSUBPS Y3, Y1, Y1 \
	VMOVUPS 160(R10), Y4 \
	VMULPS Y1, Y4, Y4 \
	VADDPS 192(R10), Y4, Y4 \
	VMULPS Y1, Y4, Y4 \
	VADDPS 224(R10), Y4, Y4 \
	VMULPS Y1, Y4, Y4 \
	VADDPS 256(R10), Y4, Y4 \
	VMULPS Y1, Y4, Y4 \
	VADDPS 288(R10), Y4, Y4 \
	VMULPS Y1, Y4, Y4 \
	VADDPS 320(R10), Y4, Y4 \
	VMULPS Y1, Y1, Y5 \
	VMULPS Y5, Y4, Y4 \
	VADDPS Y1, Y4, Y4 \
	VADDPS 352(R10), Y4, Y4 \
	VCVTPS2DQ Y2, Y6 \
	VPADDD 416(R10), Y6, Y6 \
	VPSLLD $23, Y6, Y6 \
	VMULPS Y6, Y4, Y4 \
	VCMPPS $0x11, Y13, Y0, Y7 \
	VANDNPS Y4, Y7, Y4 \
	VCMPPS $0x1e, Y12, Y0, Y7 \
	VANDNPS Y4, Y7, Y4 \
	VANDPS 384(R10), Y7, Y7 \
	VORPS Y7, Y4, Y4

// func expSumAVX2(out, x *float32, n int, shift float32, acc *[8]float32, tab *[14][8]uint32, tail *[8]int32)
//
// The table rows (32 bytes each): 0 lo, 1 hi, 2 log2e, 3 ln2Hi, 4 ln2Lo,
// 5..10 p0..p5, 11 one, 12 +Inf, 13 the integer 127. Y15 holds shift, Y14
// the lane sums. Whole groups of 8 first; then, when n%8 != 0, the last
// n%8 elements through masked loads and stores (tail: -1 in the first n%8
// lanes, 0 in the others), the unused lanes' results zeroed before the sum.
TEXT ·expSumAVX2(SB), NOSPLIT, $0-56
	MOVQ out+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX
	VBROADCASTSS shift+24(FP), Y15
	MOVQ acc+32(FP), R11
	MOVQ tab+40(FP), R10
	MOVQ tail+48(FP), R12
	VMOVUPS (R11), Y14
	VMOVUPS 0(R10), Y13
	VMOVUPS 32(R10), Y12
	MOVQ CX, BX
	ANDQ $-8, BX
	XORQ AX, AX
	CMPQ AX, BX
	JGE exp_tail

exp_loop:
	VMOVUPS (SI)(AX*4), Y0
	EXP8
	VMOVUPS Y4, (DI)(AX*4)
	VADDPS Y4, Y14, Y14
	ADDQ $8, AX
	CMPQ AX, BX
	JLT exp_loop

exp_tail:
	CMPQ AX, CX
	JGE exp_done
	VMOVUPS (R12), Y8
	VMASKMOVPS (SI)(AX*4), Y8, Y0
	EXP8
	VANDPS Y8, Y4, Y4
	VMASKMOVPS Y4, Y8, (DI)(AX*4)
	VADDPS Y4, Y14, Y14

exp_done:
	VMOVUPS Y14, (R11)
	VZEROUPPER
	RET

// func addToAVX2(dst, src *float32, n int)
TEXT ·addToAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	XORQ AX, AX

add_loop:
	VMOVUPS (DI)(AX*4), Y0
	VADDPS (SI)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ $8, AX
	CMPQ AX, CX
	JLT add_loop
	VZEROUPPER
	RET

// func mulAVX2(out, a, b *float32, n int)
TEXT ·mulAVX2(SB), NOSPLIT, $0-32
	MOVQ out+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), R8
	MOVQ n+24(FP), CX
	XORQ AX, AX

mul_loop:
	VMOVUPS (SI)(AX*4), Y0
	VMULPS (R8)(AX*4), Y0, Y0
	VMOVUPS Y0, (DI)(AX*4)
	ADDQ $8, AX
	CMPQ AX, CX
	JLT mul_loop
	VZEROUPPER
	RET
