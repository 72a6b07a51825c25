package sgemm

import "golang.org/x/sys/cpu"

// hasKernel: the micro-kernel needs AVX2 (with the OS saving YMM state,
// which x/sys/cpu checks) and FMA.
var hasKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernel computes the first rows (1..6) rows of one mr×nr tile: C = alpha·
// Σ_p A[p]·B[p] + beta·C, with beta == 0 overwriting C. Row i of the A
// sliver starts at a[oi] (o0 = 0; rows past rows repeat a valid row) and
// steps by csA along k; B rows of nr floats are ldb apart, C rows ldc apart.
// kc > 0. Offsets and strides are in floats.
//
//go:noescape
func kernel(kc int, a *float32, o1, o2, o3, o4, o5, csA int, b *float32, ldb int, c *float32, ldc, rows int, alpha, beta float32)

// transpose8 transposes blocks 8×8 blocks of B into a panel (nr floats a
// row): dst[(8i+c)*nr + r] = src[r*lds + 8i + c] for r, c < 8, i < blocks.
// blocks > 0.
//
//go:noescape
func transpose8(dst *float32, src *float32, lds int, blocks int)
