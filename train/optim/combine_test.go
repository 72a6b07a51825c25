package optim

import "testing"

func TestCombineGradsMatchesSerialReference(t *testing.T) {
	weights := [][2]float64{{0.5, 0.5}, {0.3, 0.7}, {1, 0}, {1.0 / 3, 2.0 / 3}}
	for _, tt := range spanTestShapes {
		for _, w := range weights {
			for _, procs := range testProcs {
				p0, p1 := randomParams(tt.lens, 11), randomParams(tt.lens, 12)
				want := randomParams(tt.lens, 11)
				for i, p := range want {
					for j, g := range p.Grad {
						p.Grad[j] = float32(w[0]*float64(g) + w[1]*float64(p1[i].Grad[j]))
					}
				}
				withProcs(procs, func() { CombineGrads(p0, p1, w[0], w[1]) })
				for i := range p0 {
					if j, ok := sameBits(p0[i].Grad, want[i].Grad); !ok {
						t.Errorf("%s, weights %v, GOMAXPROCS %d: combined grad %s differs from the serial reference at %d", tt.name, w, procs, p0[i].Name, j)
					}
					if j, ok := sameBits(p1[i].Grad, randomParams(tt.lens, 12)[i].Grad); !ok {
						t.Errorf("%s, weights %v, GOMAXPROCS %d: second worker's grad %s changed at %d", tt.name, w, procs, p1[i].Name, j)
					}
				}
			}
		}
	}
}
