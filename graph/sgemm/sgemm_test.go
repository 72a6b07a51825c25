package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Implementation must be usable by gorgonia.Use, tensor.Use and blas32.Use.
var (
	_ G.BLAS       = Implementation{}
	_ tensor.BLAS  = Implementation{}
	_ blas.Float32 = Implementation{}
)

// paths runs f on the assembly path (when the CPU has it) and on the
// gonum fallback.
func paths(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := useKernel
	t.Cleanup(func() { useKernel = saved })
	for _, kern := range []bool{true, false} {
		if kern && !hasKernel {
			t.Log("no AVX2+FMA: kernel path skipped")
			continue
		}
		name := "fallback"
		if kern {
			name = "kernel"
		}
		useKernel = kern
		t.Run(name, f)
	}
	useKernel = saved
}

// problem is one Sgemm call: operands stored with leading dimensions
// padded by pad beyond the minimum.
type problem struct {
	tA, tB      blas.Transpose
	m, n, k     int
	alpha, beta float32
	pad         int
}

func (p problem) String() string {
	return fmt.Sprintf("tA=%c tB=%c m=%d n=%d k=%d alpha=%g beta=%g pad=%d", p.tA, p.tB, p.m, p.n, p.k, p.alpha, p.beta, p.pad)
}

// operands returns random A, B, C of problem p, and the leading dimensions.
// Padding elements hold a sentinel so reads or writes of them show.
func (p problem) operands(rng *rand.Rand) (a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	ar, ac := p.m, p.k
	if p.tA != blas.NoTrans {
		ar, ac = p.k, p.m
	}
	br, bc := p.k, p.n
	if p.tB != blas.NoTrans {
		br, bc = p.n, p.k
	}
	lda, ldb, ldc = max(1, ac)+p.pad, max(1, bc)+p.pad, max(1, p.n)+p.pad
	fill := func(rows, cols, ld int) []float32 {
		s := make([]float32, rows*ld)
		for i := range s {
			if i%ld < cols {
				s[i] = float32(rng.NormFloat64())
			} else {
				s[i] = sentinel
			}
		}
		return s
	}
	return fill(ar, ac, lda), lda, fill(br, bc, ldb), ldb, fill(p.m, p.n, ldc), ldc
}

const sentinel = 12345.5

// reference computes Sgemm in float64 and returns, per element of C, the
// result and a bound on its magnitude terms (for the tolerance).
func reference(p problem, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) (want, mag []float64) {
	want, mag = make([]float64, p.m*p.n), make([]float64, p.m*p.n)
	for i := range p.m {
		for j := range p.n {
			var s, sa float64
			for q := range p.k {
				ai, bi := i*lda+q, q*ldb+j
				if p.tA != blas.NoTrans {
					ai = q*lda + i
				}
				if p.tB != blas.NoTrans {
					bi = j*ldb + q
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
				sa += math.Abs(float64(av) * float64(bv))
			}
			var v, mg float64
			if p.alpha != 0 {
				v, mg = float64(p.alpha)*s, math.Abs(float64(p.alpha))*sa
			}
			if p.beta != 0 {
				cv := float64(c[i*ldc+j])
				v += float64(p.beta) * cv
				mg += math.Abs(float64(p.beta) * cv)
			}
			want[i*p.n+j], mag[i*p.n+j] = v, mg
		}
	}
	return want, mag
}

// checkProblem runs one problem and compares C with the float64 reference;
// the padding of C must be untouched.
func checkProblem(t *testing.T, rng *rand.Rand, p problem) {
	t.Helper()
	a, lda, b, ldb, c, ldc := p.operands(rng)
	want, mag := reference(p, a, lda, b, ldb, c, ldc)
	Sgemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, a, lda, b, ldb, p.beta, c, ldc)
	for i := range p.m {
		for j := range ldc {
			got := c[i*ldc+j]
			if j >= p.n {
				if got != sentinel {
					t.Fatalf("%v: padding C[%d][%d] = %g, want untouched %g", p, i, j, got, float32(sentinel))
				}
				continue
			}
			w := want[i*p.n+j]
			if tol := 1e-5*mag[i*p.n+j] + 1e-30; math.Abs(float64(got)-w) > tol {
				t.Fatalf("%v: C[%d][%d] = %g, want %g (tolerance %g)", p, i, j, got, w, tol)
			}
		}
	}
}

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans}

// TestSgemmEdges covers every remainder of mr and nr, the k block edge,
// 0 and 1, for all four transpose combinations, alphas, betas and padded
// leading dimensions, on a random subset of the size triples.
func TestSgemmEdges(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 31, 64, 65, 257, 300}
	alphas := []float32{1, 0.5, 0}
	betas := []float32{0, 1, -0.5}
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		for _, tA := range transposes {
			for _, tB := range transposes {
				for range 150 {
					p := problem{tA: tA, tB: tB,
						m: sizes[rng.IntN(len(sizes))], n: sizes[rng.IntN(len(sizes))], k: sizes[rng.IntN(len(sizes))],
						alpha: alphas[rng.IntN(len(alphas))], beta: betas[rng.IntN(len(betas))], pad: rng.IntN(2) * 3}
					// Keep the float64 reference cheap: at most one large size.
					if p.m*p.n*p.k > 300*64*65 {
						continue
					}
					checkProblem(t, rng, p)
				}
			}
		}
	})
}

// TestSgemmShapes runs the fixed shapes that matter: every remainder of mr
// against every remainder of nr, and k across the kc boundary.
func TestSgemmShapes(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for _, tA := range transposes {
			for _, tB := range transposes {
				for m := 1; m <= 13; m++ {
					for _, n := range []int{1, 7, 8, 15, 16, 17, 33} {
						checkProblem(t, rng, problem{tA: tA, tB: tB, m: m, n: n, k: 5, alpha: 1, beta: 0.5, pad: 1})
					}
				}
				for _, k := range []int{255, 256, 257, 512, 513} {
					checkProblem(t, rng, problem{tA: tA, tB: tB, m: 7, n: 17, k: k, alpha: 0.5, beta: -0.5, pad: 2})
				}
				// Several column blocks of nc, with B read in place (few
				// rows or short rows) and packed.
				for _, m := range []int{13, inPlaceRows + 7} {
					checkProblem(t, rng, problem{tA: tA, tB: tB, m: m, n: 2*nc + 5, k: 20, alpha: 1, beta: 1})
					checkProblem(t, rng, problem{tA: tA, tB: tB, m: m, n: 37, k: 20, alpha: 1, beta: 1, pad: nc})
				}
			}
		}
	})
}

// TestSgemmBetaZeroOverwritesNaN: beta == 0 must not read C.
func TestSgemmBetaZeroOverwritesNaN(t *testing.T) {
	paths(t, func(t *testing.T) {
		for _, m := range []int{6, 7} { // a full tile and an edge tile
			for _, alpha := range []float32{1, 0} {
				for _, beta := range []float32{0, float32(math.Copysign(0, -1))} {
					const n, k = 17, 3
					a, b := ones(m*k), ones(k*n)
					c := make([]float32, m*n)
					for i := range c {
						c[i] = float32(math.NaN())
					}
					Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, alpha, a, k, b, n, beta, c, n)
					for i, v := range c {
						if want := alpha * k; v != want {
							t.Fatalf("m=%d alpha=%g beta=%g: C[%d] = %g, want %g", m, alpha, beta, i, v, want)
						}
					}
				}
			}
		}
	})
}

// TestSgemmPropagatesNaNInf: a NaN or Inf in A reaches every element of its
// row of C (through beta == 1 accumulation too).
func TestSgemmPropagatesNaNInf(t *testing.T) {
	paths(t, func(t *testing.T) {
		for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1))} {
			for _, m := range []int{6, 8} {
				const n, k = 20, 300
				a, b, c := ones(m*k), ones(k*n), ones(m*n)
				const row = 4
				a[row*k+270] = bad // in the second k block
				Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 1, c, n)
				for i := range m {
					for j := range n {
						v := c[i*n+j]
						isBad := math.IsNaN(float64(v)) || math.IsInf(float64(v), 0)
						if isBad != (i == row) {
							t.Fatalf("A[%d][270] = %g, m=%d: C[%d][%d] = %g", row, bad, m, i, j, v)
						}
					}
				}
			}
		}
	})
}

// TestSgemmDeterministic: two calls give bitwise identical results.
func TestSgemmDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := problem{tA: blas.Trans, tB: blas.NoTrans, m: 64, n: 257, k: 1030, alpha: 0.5, beta: 1}
	a, lda, b, ldb, c, ldc := p.operands(rng)
	c2 := append([]float32(nil), c...)
	Sgemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, a, lda, b, ldb, p.beta, c, ldc)
	Sgemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, a, lda, b, ldb, p.beta, c2, ldc)
	for i := range c {
		if math.Float32bits(c[i]) != math.Float32bits(c2[i]) {
			t.Fatalf("C[%d]: %g then %g", i, c[i], c2[i])
		}
	}
}

// TestSgemmAllocs: after the first call, a call allocates nothing.
func TestSgemmAllocs(t *testing.T) {
	if !hasKernel {
		t.Skip("no AVX2+FMA")
	}
	a, b, c := ones(64*300), ones(300*37), ones(64*37)
	f := func() { Sgemm(blas.Trans, blas.NoTrans, 64, 37, 300, 1, a, 64, b, 37, 0, c, 37) }
	f()
	if n := testing.AllocsPerRun(10, f); n != 0 {
		t.Errorf("Sgemm allocates %g times a call, want 0", n)
	}
}

// TestSgemmPanics: invalid arguments panic with gonum's messages.
func TestSgemmPanics(t *testing.T) {
	s := make([]float32, 100)
	for _, tc := range []struct {
		name string
		call func(f sgemmFunc)
	}{
		{"transpose", func(f sgemmFunc) { f('x', blas.NoTrans, 2, 2, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"m<0", func(f sgemmFunc) { f(blas.NoTrans, blas.NoTrans, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"lda", func(f sgemmFunc) { f(blas.NoTrans, blas.NoTrans, 2, 2, 3, 1, s, 2, s, 2, 0, s, 2) }},
		{"ldb trans", func(f sgemmFunc) { f(blas.NoTrans, blas.Trans, 2, 2, 3, 1, s, 3, s, 2, 0, s, 2) }},
		{"ldc", func(f sgemmFunc) { f(blas.NoTrans, blas.NoTrans, 2, 3, 2, 1, s, 2, s, 3, 0, s, 2) }},
		{"short a", func(f sgemmFunc) { f(blas.NoTrans, blas.NoTrans, 20, 2, 20, 1, s, 20, s, 2, 0, s, 2) }},
		{"short b", func(f sgemmFunc) { f(blas.NoTrans, blas.NoTrans, 2, 60, 2, 1, s, 2, s[:60], 60, 0, s, 60) }},
		{"short c", func(f sgemmFunc) { f(blas.NoTrans, blas.NoTrans, 2, 60, 1, 1, s, 1, s, 60, 0, s[:60], 60) }},
	} {
		got, want := panicOf(func() { tc.call(Sgemm) }), panicOf(func() { tc.call(gonum.Implementation{}.Sgemm) })
		if want == nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: panic %v, want %v", tc.name, got, want)
		}
	}
}

type sgemmFunc = func(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)

func panicOf(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// TestSgemmStrided compares each product of a batch with Sgemm, including
// k == 0 and alpha == 0 (C only scaled) and an empty batch.
func TestSgemmStrided(t *testing.T) {
	paths(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		for _, tc := range []struct {
			batch, k int
			alpha    float32
		}{{5, 9, 0.5}, {5, 0, 0.5}, {5, 9, 0}, {0, 9, 1}} {
			for _, tA := range transposes {
				for _, tB := range transposes {
					const m, n = 16, 13
					batch, k := tc.batch, tc.k
					sa, sb, sc := m*max(1, k)+3, max(1, k)*n+1, m*n+2
					a, b := randSlice(rng, batch*sa), randSlice(rng, batch*sb)
					c := randSlice(rng, batch*sc)
					want := append([]float32(nil), c...)
					lda, ldb := max(1, k), n
					if tA != blas.NoTrans {
						lda = m
					}
					if tB != blas.NoTrans {
						ldb = max(1, k)
					}
					SgemmStrided(tA, tB, m, n, k, tc.alpha, a, lda, sa, b, ldb, sb, -0.5, c, n, sc, batch)
					for i := range batch {
						Sgemm(tA, tB, m, n, k, tc.alpha, a[i*sa:], lda, b[i*sb:], ldb, -0.5, want[i*sc:], n)
					}
					for i := range c {
						if c[i] != want[i] {
							t.Fatalf("batch=%d k=%d alpha=%g tA=%c tB=%c: C[%d] = %g, want %g", batch, k, tc.alpha, tA, tB, i, c[i], want[i])
						}
					}
				}
			}
		}
	})
}

// TestBLAS32Use: through blas32, the package-level API the graph uses.
func TestBLAS32Use(t *testing.T) {
	saved := blas32.Implementation()
	defer blas32.Use(saved)
	blas32.Use(Implementation{})
	a := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: []float32{1, 2, 3, 4}}
	c := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float32, 4)}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, a, a, 0, c)
	if want := []float32{7, 10, 15, 22}; fmt.Sprint(c.Data) != fmt.Sprint(want) {
		t.Errorf("A·A = %v, want %v", c.Data, want)
	}
}

func ones(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}
