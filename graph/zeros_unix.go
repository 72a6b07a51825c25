//go:build unix

package graph

import (
	"syscall"
	"unsafe"
)

// readOnlyZeros returns n zeros of T on anonymous read-only pages mapped
// outside the Go heap: they read as zeros without taking resident memory,
// and a stray write faults at once instead of corrupting a placeholder. The
// mapping is never unmapped (placeholders over it may live as long as the
// process). Where mapping fails it falls back to the Go heap.
func readOnlyZeros[T float](n int) []T {
	var x T
	size := n * int(unsafe.Sizeof(x))
	if size == 0 {
		return nil
	}
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]T, n)
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}
