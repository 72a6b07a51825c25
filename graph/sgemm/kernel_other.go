//go:build !amd64

package sgemm

const hasKernel = false

func kernel(kc int, a *float32, o1, o2, o3, o4, o5, csA int, b *float32, ldb int, c *float32, ldc, rows int, alpha, beta float32) {
	panic("sgemm: no micro-kernel on this architecture")
}

func transpose8(dst *float32, src *float32, lds int, blocks int) {
	panic("sgemm: no micro-kernel on this architecture")
}
