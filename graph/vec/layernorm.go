package vec

import "math"

// Float is the element type of the kernels that have a float64 version.
type Float interface{ ~float32 | ~float64 }

// The layer norm kernels work on rows of length d of row-major matrices, in
// float64 arithmetic whatever the element type. Every row sum runs over
// four interleaved partial sums (element k into sum k%4 for k below d&^3,
// the rest into the first) added pairwise: four independent chains of adds
// instead of one. float32 rows with d%4 == 0 go through AVX2 assembly doing
// the same operations four lanes at a time, so both give the same bits (the
// float64(...) conversions around products keep the compiler from fusing
// them with an add, which the assembly does not do).

// LayerNorm writes gamma ⊙ (x - mean)/sqrt(var + eps) + beta for every row
// of x into out, with the biased variance (as PyTorch's LayerNorm).
func LayerNorm[T Float](out, x, gamma, beta []T, d int, eps float64) {
	if o, ok := any(out).([]float32); ok && useAsm && d%4 == 0 {
		x, g, b := any(x).([]float32), any(gamma).([]float32), any(beta).([]float32)
		for off := 0; off < len(x); off += d {
			mean, rstd := rowStats32(x[off:off+d], eps)
			normAVX2(&o[off], &x[off], &g[0], &b[0], d, mean, rstd)
		}
		return
	}
	for off := 0; off < len(x); off += d {
		xr, or := x[off:off+d], out[off:off+d]
		mean, rstd := rowStats(xr, eps)
		for k, v := range xr {
			or[k] = T(float64(float64(float64(v)-mean)*rstd*float64(gamma[k])) + float64(beta[k]))
		}
	}
}

// LayerNormGrad writes the gradient of LayerNorm with respect to x for
// every row: with g = dy ⊙ gamma and xhat the normalised row,
// dx = rstd·(g - mean(g) - xhat·mean(g ⊙ xhat)).
func LayerNormGrad[T Float](dx, x, gamma, dy []T, d int, eps float64) {
	if o, ok := any(dx).([]float32); ok && useAsm && d%4 == 0 {
		x, g, dy := any(x).([]float32), any(gamma).([]float32), any(dy).([]float32)
		var sums [2][4]float64
		for off := 0; off < len(x); off += d {
			mean, rstd := rowStats32(x[off:off+d], eps)
			gradSumsAVX2(&x[off], &g[0], &dy[off], d, mean, rstd, &sums)
			mg, mgx := pairSum(&sums[0])/float64(d), pairSum(&sums[1])/float64(d)
			normGradAVX2(&o[off], &x[off], &g[0], &dy[off], d, mean, rstd, mg, mgx)
		}
		return
	}
	for off := 0; off < len(x); off += d {
		xr, dyr, dxr := x[off:off+d], dy[off:off+d], dx[off:off+d]
		mean, rstd := rowStats(xr, eps)
		mg, mgx := gradMeans(xr, gamma, dyr, mean, rstd)
		for k, v := range xr {
			xh := float64(float64(v)-mean) * rstd
			g := float64(dyr[k]) * float64(gamma[k])
			dxr[k] = T(rstd * (float64(g-mg) - float64(xh*mgx)))
		}
	}
}

// LayerNormGammaGrad writes Σrows dy ⊙ xhat, the gradient of LayerNorm
// with respect to gamma, into dgamma (d), summed over rows in order.
func LayerNormGammaGrad[T Float](dgamma, x, dy []T, d int, eps float64) {
	acc := make([]float64, d)
	if _, ok := any(dgamma).([]float32); ok && useAsm && d%4 == 0 {
		x, dy := any(x).([]float32), any(dy).([]float32)
		for off := 0; off < len(x); off += d {
			mean, rstd := rowStats32(x[off:off+d], eps)
			accGammaAVX2(&acc[0], &x[off], &dy[off], d, mean, rstd)
		}
	} else {
		for off := 0; off < len(x); off += d {
			mean, rstd := rowStats(x[off:off+d], eps)
			for k := 0; k < d; k++ {
				acc[k] += float64(float64(float64(dy[off+k])*float64(float64(x[off+k])-mean)) * rstd)
			}
		}
	}
	for k, v := range acc {
		dgamma[k] = T(v)
	}
}

// pairSum adds four partial sums pairwise.
func pairSum(s *[4]float64) float64 { return (s[0] + s[1]) + (s[2] + s[3]) }

// rowStats returns the mean and 1/sqrt(var+eps) of one row.
func rowStats[T Float](x []T, eps float64) (mean, rstd float64) {
	var s [4]float64
	k := 0
	for ; k+4 <= len(x); k += 4 {
		q := x[k : k+4 : k+4]
		s[0] += float64(q[0])
		s[1] += float64(q[1])
		s[2] += float64(q[2])
		s[3] += float64(q[3])
	}
	for ; k < len(x); k++ {
		s[0] += float64(x[k])
	}
	mean = pairSum(&s) / float64(len(x))
	s = [4]float64{}
	for k = 0; k+4 <= len(x); k += 4 {
		q := x[k : k+4 : k+4]
		for l, v := range q {
			c := float64(v) - mean
			s[l] += float64(c * c)
		}
	}
	for ; k < len(x); k++ {
		c := float64(x[k]) - mean
		s[0] += float64(c * c)
	}
	return mean, 1 / math.Sqrt(pairSum(&s)/float64(len(x))+eps)
}

// rowStats32 is rowStats through the assembly (len(x)%4 == 0).
func rowStats32(x []float32, eps float64) (mean, rstd float64) {
	var s [4]float64
	sum4AVX2(&x[0], len(x), &s)
	mean = pairSum(&s) / float64(len(x))
	sqDev4AVX2(&x[0], len(x), mean, &s)
	return mean, 1 / math.Sqrt(pairSum(&s)/float64(len(x))+eps)
}

// gradMeans returns mean(g) and mean(g ⊙ xhat) over one row, g = dy ⊙
// gamma.
func gradMeans[T Float](x, gamma, dy []T, mean, rstd float64) (mg, mgx float64) {
	var g, h [4]float64
	n := len(x) &^ 3
	for k, v := range x {
		l := k % 4
		if k >= n {
			l = 0
		}
		xh := float64(float64(v)-mean) * rstd
		a := float64(dy[k]) * float64(gamma[k])
		g[l] += a
		h[l] += float64(a * xh)
	}
	return pairSum(&g) / float64(len(x)), pairSum(&h) / float64(len(x))
}
