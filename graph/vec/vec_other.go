//go:build !amd64

package vec

const hasAsm = false

func reluMulAVX2(out, x, a, b *float32, n int) { panic("vec: no assembly on this architecture") }

func expSumAVX2(out, x *float32, n int, shift float32, acc *[lanes]float32, tab *[expRows][lanes]uint32, tail *[lanes]int32) {
	panic("vec: no assembly on this architecture")
}

func addToAVX2(dst, src *float32, n int) { panic("vec: no assembly on this architecture") }

func sum4AVX2(x *float32, n int, sums *[4]float64) { panic("vec: no assembly on this architecture") }

func sqDev4AVX2(x *float32, n int, mean float64, sums *[4]float64) {
	panic("vec: no assembly on this architecture")
}

func normAVX2(out, x, gamma, beta *float32, n int, mean, rstd float64) {
	panic("vec: no assembly on this architecture")
}

func gradSumsAVX2(x, gamma, dy *float32, n int, mean, rstd float64, sums *[2][4]float64) {
	panic("vec: no assembly on this architecture")
}

func normGradAVX2(dx, x, gamma, dy *float32, n int, mean, rstd, mg, mgx float64) {
	panic("vec: no assembly on this architecture")
}

func accGammaAVX2(acc *float64, x, dy *float32, n int, mean, rstd float64) {
	panic("vec: no assembly on this architecture")
}

func mulAVX2(out, a, b *float32, n int) { panic("vec: no assembly on this architecture") }
