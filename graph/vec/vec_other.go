//go:build !amd64

package vec

const hasAsm = false

func reluMulAVX2(out, x, a, b *float32, n int) { panic("vec: no assembly on this architecture") }

func expSumAVX2(out, x *float32, n int, shift float32, acc *[lanes]float32, tab *[expRows][lanes]uint32, tail *[lanes]int32) {
	panic("vec: no assembly on this architecture")
}

func addToAVX2(dst, src *float32, n int) { panic("vec: no assembly on this architecture") }
