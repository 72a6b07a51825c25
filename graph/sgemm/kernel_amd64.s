#include "textflag.h"

// func kernel(kc int, a *float32, o1, o2, o3, o4, o5, csA int, b *float32, ldb int, c *float32, ldc, rows int, alpha, beta float32)
//
// Accumulators: Y0..Y11, two per row of the 6×16 tile (Y(2i) columns 0-7,
// Y(2i+1) columns 8-15). Y12, Y13 hold one row of B, Y14 and Y15 the
// broadcast A values. Row i of A is read at R8 + oi (R9..R13 hold o1..o5 in
// bytes); R8 advances by csA and the B pointer DX by ldb at each step.
TEXT ·kernel(SB), NOSPLIT, $0-112
	MOVQ kc+0(FP), CX
	MOVQ a+8(FP), R8
	MOVQ o1+16(FP), R9
	MOVQ o2+24(FP), R10
	MOVQ o3+32(FP), R11
	MOVQ o4+40(FP), R12
	MOVQ o5+48(FP), R13
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	SHLQ $2, R12
	SHLQ $2, R13
	MOVQ csA+56(FP), AX
	SHLQ $2, AX
	MOVQ b+64(FP), DX
	MOVQ ldb+72(FP), BX
	SHLQ $2, BX

	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

loop:
	VMOVUPS      (DX), Y12
	VMOVUPS      32(DX), Y13
	VBROADCASTSS (R8), Y14
	VFMADD231PS  Y12, Y14, Y0
	VFMADD231PS  Y13, Y14, Y1
	VBROADCASTSS (R8)(R9*1), Y15
	VFMADD231PS  Y12, Y15, Y2
	VFMADD231PS  Y13, Y15, Y3
	VBROADCASTSS (R8)(R10*1), Y14
	VFMADD231PS  Y12, Y14, Y4
	VFMADD231PS  Y13, Y14, Y5
	VBROADCASTSS (R8)(R11*1), Y15
	VFMADD231PS  Y12, Y15, Y6
	VFMADD231PS  Y13, Y15, Y7
	VBROADCASTSS (R8)(R12*1), Y14
	VFMADD231PS  Y12, Y14, Y8
	VFMADD231PS  Y13, Y14, Y9
	VBROADCASTSS (R8)(R13*1), Y15
	VFMADD231PS  Y12, Y15, Y10
	VFMADD231PS  Y13, Y15, Y11
	ADDQ         AX, R8
	ADDQ         BX, DX
	DECQ         CX
	JNZ          loop

	// Scale by alpha.
	VBROADCASTSS alpha+104(FP), Y12
	VMULPS       Y12, Y0, Y0
	VMULPS       Y12, Y1, Y1
	VMULPS       Y12, Y2, Y2
	VMULPS       Y12, Y3, Y3
	VMULPS       Y12, Y4, Y4
	VMULPS       Y12, Y5, Y5
	VMULPS       Y12, Y6, Y6
	VMULPS       Y12, Y7, Y7
	VMULPS       Y12, Y8, Y8
	VMULPS       Y12, Y9, Y9
	VMULPS       Y12, Y10, Y10
	VMULPS       Y12, Y11, Y11

	// Store the first rows rows of the tile at DI, rows ldc (SI) apart.
	MOVQ c+80(FP), DI
	MOVQ ldc+88(FP), SI
	SHLQ $2, SI
	MOVQ rows+96(FP), CX

	// beta == 0 (either sign): overwrite C without reading it.
	MOVL beta+108(FP), AX
	SHLL $1, AX
	JZ   overwrite
	VBROADCASTSS beta+108(FP), Y13

#define ACCUMULATE(lo, hi) \
	VFMADD231PS (DI), Y13, lo; \
	VFMADD231PS 32(DI), Y13, hi; \
	VMOVUPS     lo, (DI); \
	VMOVUPS     hi, 32(DI); \
	ADDQ        SI, DI; \
	DECQ        CX; \
	JZ          done

	ACCUMULATE(Y0, Y1)
	ACCUMULATE(Y2, Y3)
	ACCUMULATE(Y4, Y5)
	ACCUMULATE(Y6, Y7)
	ACCUMULATE(Y8, Y9)
	ACCUMULATE(Y10, Y11)
	JMP done

#define OVERWRITE(lo, hi) \
	VMOVUPS lo, (DI); \
	VMOVUPS hi, 32(DI); \
	ADDQ    SI, DI; \
	DECQ    CX; \
	JZ      done

overwrite:
	OVERWRITE(Y0, Y1)
	OVERWRITE(Y2, Y3)
	OVERWRITE(Y4, Y5)
	OVERWRITE(Y6, Y7)
	OVERWRITE(Y8, Y9)
	OVERWRITE(Y10, Y11)

done:
	VZEROUPPER
	RET

// func transpose8(dst *float32, src *float32, lds int, blocks int)
//
// Transposes blocks 8×8 blocks: block i reads rows r = 0..7 of 8 floats at
// src + r*lds + 8i and writes them as columns of rows at dst + (8i + c)*nr
// (nr = 16 floats), c = 0..7: dst[(8i+c)*16 + r] = src[r*lds + 8i + c].
// Unpack pairs of rows, shuffle pairs of pairs, then swap 128-bit halves.
TEXT ·transpose8(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ lds+16(FP), BX
	SHLQ $2, BX
	MOVQ blocks+24(FP), CX
	LEAQ (BX)(BX*2), DX // 3 rows

tr_loop:
	MOVQ SI, R8
	VMOVUPS (R8), Y0
	VMOVUPS (R8)(BX*1), Y1
	VMOVUPS (R8)(BX*2), Y2
	VMOVUPS (R8)(DX*1), Y3
	LEAQ (R8)(BX*4), R8
	VMOVUPS (R8), Y4
	VMOVUPS (R8)(BX*1), Y5
	VMOVUPS (R8)(BX*2), Y6
	VMOVUPS (R8)(DX*1), Y7

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	VMOVUPS Y8, (DI)
	VMOVUPS Y9, 64(DI)
	VMOVUPS Y10, 128(DI)
	VMOVUPS Y11, 192(DI)
	VMOVUPS Y12, 256(DI)
	VMOVUPS Y13, 320(DI)
	VMOVUPS Y14, 384(DI)
	VMOVUPS Y15, 448(DI)

	ADDQ $32, SI
	ADDQ $512, DI
	DECQ CX
	JNZ  tr_loop
	VZEROUPPER
	RET
