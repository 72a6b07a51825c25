package vec

import (
	"fmt"
	"math"
)

// Exp's range: below expLo (ln 2⁻¹²⁶) the result is flushed to 0 (the true
// value is a float32 subnormal); above expHi (Cephes' limit, 88.376) it is
// +Inf (float32 overflows at 88.723, so (88.376, 88.723] is the only range
// that is not within 2 ulp).
const (
	expLo = -87.33654475055310898657
	expHi = 88.3762626647949
)

// The Cephes expf reduction and polynomial: x = n·ln2 + r with ln2 split in
// a short high part (exact products with n) and a correction, and
// exp(r) ≈ 1 + r + r²·P(r) on |r| <= ln2/2.
const (
	log2e = 1.44269504088896341
	ln2Hi = 0.693359375
	ln2Lo = -2.12194440e-4
	p0    = 1.9875691500e-4
	p1    = 1.3981999507e-3
	p2    = 8.3334519073e-3
	p3    = 4.1665795894e-2
	p4    = 1.6666665459e-1
	p5    = 5.0000001201e-1
)

// expTable holds each constant the assembly needs eight times over, one
// 32-byte row per constant, in the order of the offsets the assembly reads them at (32 bytes times the row).
var expTable = func() (t [expRows][lanes]uint32) {
	row := func(k int, bits uint32) {
		for i := range t[k] {
			t[k][i] = bits
		}
	}
	for k, c := range []float32{expLo, expHi, log2e, ln2Hi, ln2Lo, p0, p1, p2, p3, p4, p5, 1} {
		row(k, math.Float32bits(c))
	}
	row(12, math.Float32bits(float32(math.Inf(1))))
	row(13, 127) // the exponent bias, an integer
	return t
}()

// expRows is the number of rows of expTable.
const expRows = 14

// ExpSum writes out[i] = exp(x[i] - shift) and returns the sum of the
// results, accumulated in eight lanes (lane l takes the elements with
// i%8 == l, in order) and the lanes added pairwise. The relative error is
// within 2 ulp on [expLo, expHi]; -Inf gives 0 and NaN gives NaN. out and x
// must have the same length and may be the same slice.
func ExpSum(out, x []float32, shift float32) float32 {
	n := len(out)
	if len(x) != n {
		panic(fmt.Sprintf("vec: ExpSum lengths %d, %d differ", n, len(x)))
	}
	if n == 0 {
		return 0
	}
	var acc [lanes]float32
	if useAsm {
		expSumAVX2(&out[0], &x[0], n, shift, &acc, &expTable, tailMask(n))
	} else {
		expSumLanes(out, x, shift, &acc)
	}
	return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

// maskRow holds eight set lanes then eight clear ones: tailMask slices it.
var maskRow = [2 * lanes]int32{-1, -1, -1, -1, -1, -1, -1, -1}

// tailMask returns a mask with the first n%8 lanes set (any mask when n%8
// is 0: the assembly does not read it then).
func tailMask(n int) *[lanes]int32 {
	r := n % lanes
	return (*[lanes]int32)(maskRow[lanes-r : 2*lanes-r])
}

// expSumLanes is expSumAVX2 in Go.
func expSumLanes(out, x []float32, shift float32, acc *[lanes]float32) {
	for i := range x {
		e := exp32(x[i] - shift)
		out[i] = e
		acc[i%lanes] += e
	}
}

// exp32 is e^x with the same float32 operations as the assembly; the
// explicit conversions keep the compiler from fusing a multiply and an add.
func exp32(x float32) float32 {
	t := x
	if t < expLo {
		t = expLo
	}
	if t > expHi {
		t = expHi
	}
	f := float32(math.RoundToEven(float64(float32(t * log2e))))
	r := t - float32(f*ln2Hi)
	r = r - float32(f*ln2Lo)
	y := float32(p0)
	y = float32(y*r) + p1
	y = float32(y*r) + p2
	y = float32(y*r) + p3
	y = float32(y*r) + p4
	y = float32(y*r) + p5
	y = float32(y * float32(r*r))
	y = y + r
	y = y + 1
	pow2 := math.Float32frombits(uint32(int32(f)+127) << 23)
	e := y * pow2
	switch {
	case x < expLo:
		return 0
	case x > expHi:
		return float32(math.Inf(1))
	}
	return e
}
