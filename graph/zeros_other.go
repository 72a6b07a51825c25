//go:build !unix

package graph

// readOnlyZeros returns n zeros of T. Off Unix they are on the Go heap
// (zeros_unix.go maps read-only pages outside it).
func readOnlyZeros[T float](n int) []T { return make([]T, n) }
