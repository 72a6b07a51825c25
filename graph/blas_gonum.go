//go:build !openblas

package graph

// BLAS names the matrix-product library in use: gonum's pure-Go BLAS by
// default; build with -tags openblas for OpenBLAS.
const BLAS = "gonum"
