package vec

import "golang.org/x/sys/cpu"

// hasAsm: the kernels use 256-bit integer operations, hence AVX2 (x/sys/cpu
// also checks that the OS saves the YMM registers).
var hasAsm = cpu.X86.HasAVX2

// reluMulAVX2 is ReLUMul on the first n elements; n is a positive multiple
// of 8.
//
//go:noescape
func reluMulAVX2(out, x, a, b *float32, n int)

// expSumAVX2 is expSumLanes on n > 0 elements, adding into acc; tab is
// expTable and tail the mask of the last n%8 elements (tailMask).
//
//go:noescape
func expSumAVX2(out, x *float32, n int, shift float32, acc *[lanes]float32, tab *[expRows][lanes]uint32, tail *[lanes]int32)

// addToAVX2 is AddTo on the first n elements; n is a positive multiple of 8.
//
//go:noescape
func addToAVX2(dst, src *float32, n int)

// The layer norm row kernels (layernorm.go): n is a positive multiple of 4.

//go:noescape
func sum4AVX2(x *float32, n int, sums *[4]float64)

//go:noescape
func sqDev4AVX2(x *float32, n int, mean float64, sums *[4]float64)

//go:noescape
func normAVX2(out, x, gamma, beta *float32, n int, mean, rstd float64)

//go:noescape
func gradSumsAVX2(x, gamma, dy *float32, n int, mean, rstd float64, sums *[2][4]float64)

//go:noescape
func normGradAVX2(dx, x, gamma, dy *float32, n int, mean, rstd, mg, mgx float64)

//go:noescape
func accGammaAVX2(acc *float64, x, dy *float32, n int, mean, rstd float64)

// mulAVX2 is Mul on the first n elements, a positive multiple of 8.
//
//go:noescape
func mulAVX2(out, a, b *float32, n int)
