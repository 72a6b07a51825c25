package optim

import "math"

// GradNorm returns the global L2 norm of all gradients. Since the squares
// of float32 values are summed in float64, which they cannot overflow, the
// norm is finite exactly when every gradient is: it doubles as the check
// for non-finite gradients.
//
// The squares are summed in float64 span by span (at most gradChunk
// elements of one parameter, in element order) and the span sums added in
// parameter and element order. The spans are summed in parallel; the order
// is fixed, so the result is too.
func GradNorm(params []Param) float64 {
	ss := gradSpans(params)
	sums := make([]float64, len(ss))
	forSpans(ss, func(k int) {
		s := ss[k]
		sums[k] = sumSquares(params[s.param].Grad[s.lo:s.hi])
	})
	var sum float64
	for _, x := range sums {
		sum += x
	}
	return math.Sqrt(sum)
}

// ClipScale returns the factor that clips gradients of the given norm to
// maxNorm: maxNorm/norm when maxNorm > 0 and a finite norm exceeds it,
// otherwise 1.
func ClipScale(norm, maxNorm float64) float64 {
	if maxNorm <= 0 || !(norm > maxNorm) || math.IsInf(norm, 0) {
		return 1
	}
	return maxNorm / norm
}

// sumSquares returns the float64 sum of the squares of g, in order.
func sumSquares(g []float32) float64 {
	var sum float64
	for _, x := range g {
		sum += float64(x) * float64(x)
	}
	return sum
}
