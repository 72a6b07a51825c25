// Package vec holds the kernels of the elementwise and row-wise work of a
// training step: ReLU under a dropout mask (ReLUMul), in-place addition
// (AddTo), products (Mul), exponentials with their sum for softmax and
// cross-entropy (ExpSum), and layer normalisation with its gradients
// (LayerNorm, LayerNormGrad, LayerNormGammaGrad). For float32 they run in
// AVX2 assembly on amd64 when the CPU has it, in pure Go otherwise; the
// generic kernels (Mul and the layer norms) also take float64, always in Go,
// for the gradient checks.
//
// Both float32 versions give bitwise-identical results: the assembly does
// exactly the float32 operations the Go code does, in the same order,
// without fused multiply-adds, and sums in the same lanes. The tests compare
// them bit for bit.
package vec

import "fmt"

// lanes is the number of float32 values in one AVX register.
const lanes = 8

// useAsm reports whether the assembly kernels run (amd64 with AVX2); tests
// switch it off to compare with the Go versions.
var useAsm = hasAsm

// ReLUMul writes out[i] = a[i]·b[i] where x[i] > 0 and 0 elsewhere
// (including where x[i] is NaN): the forward value of ReLU followed by a
// dropout mask (a = x, b = mask) and its gradient (a = dy, b = mask). All
// slices must have len(out) elements.
func ReLUMul(out, x, a, b []float32) {
	n := len(out)
	if len(x) != n || len(a) != n || len(b) != n {
		panic(fmt.Sprintf("vec: ReLUMul lengths %d, %d, %d, %d differ", n, len(x), len(a), len(b)))
	}
	head := 0
	if useAsm && n >= lanes {
		head = n &^ (lanes - 1)
		reluMulAVX2(&out[0], &x[0], &a[0], &b[0], head)
	}
	reluMulGo(out[head:], x[head:], a[head:], b[head:])
}

func reluMulGo(out, x, a, b []float32) {
	for i := range out {
		if x[i] > 0 {
			out[i] = a[i] * b[i]
		} else {
			out[i] = 0
		}
	}
}

// AddTo adds src into dst element by element; both have len(dst) elements.
func AddTo(dst, src []float32) {
	n := len(dst)
	if len(src) != n {
		panic(fmt.Sprintf("vec: AddTo lengths %d, %d differ", n, len(src)))
	}
	head := 0
	if useAsm && n >= lanes {
		head = n &^ (lanes - 1)
		addToAVX2(&dst[0], &src[0], head)
	}
	for i := head; i < n; i++ {
		dst[i] += src[i]
	}
}

// Mul writes out[i] = a[i]·b[i]; all have len(out) elements.
func Mul[T Float](out, a, b []T) {
	n := len(out)
	if len(a) != n || len(b) != n {
		panic(fmt.Sprintf("vec: Mul lengths %d, %d, %d differ", n, len(a), len(b)))
	}
	head := 0
	if o, ok := any(out).([]float32); ok && useAsm && n >= lanes {
		head = n &^ (lanes - 1)
		mulAVX2(&o[0], &any(a).([]float32)[0], &any(b).([]float32)[0], head)
	}
	for i := head; i < n; i++ {
		out[i] = a[i] * b[i]
	}
}
