package sgemm

// workspace holds the packed operands of one product: kc×nc of op(B) in
// panels of nr columns, and an edge tile of C.
type workspace struct {
	b [kc * nc]float32
	c [mr * nr]float32
}

// free keeps workspaces between calls. A buffered channel rather than a
// sync.Pool: the training loop collects garbage often, and a Pool would be
// emptied and its 256 KiB buffers reallocated after each collection.
var free = make(chan *workspace, 8)

func getWorkspace() *workspace {
	select {
	case ws := <-free:
		return ws
	default:
		return new(workspace)
	}
}

func putWorkspace(ws *workspace) {
	select {
	case free <- ws:
	default:
	}
}

// packPanel copies rows pc..pc+kcb and columns j0..j0+nrb of op(B) into
// dst as one kcb×nr row-major panel, columns past nrb zero.
func packPanel(dst []float32, bT bool, b []float32, ldb, pc, kcb, j0, nrb int) {
	panel := dst[:kcb*nr]
	if !bT {
		// op(B)[p][j] = b[p*ldb+j]: rows are contiguous.
		for p := range kcb {
			d := panel[p*nr : p*nr+nr]
			src := b[(pc+p)*ldb+j0:]
			if nrb == nr {
				copy(d, src[:nr])
				continue
			}
			copy(d, src[:nrb])
			clear(d[nrb:])
		}
		return
	}
	// op(B)[p][j] = b[j*ldb+p]: columns of op(B) are contiguous. Eight
	// columns at a time through 8×8 register transposes with the kernel,
	// then four at a time, so that one bounds check covers four stores.
	jj := 0
	if useKernel && kcb >= 8 {
		pb := kcb &^ 7
		for ; jj+8 <= nrb; jj += 8 {
			r := (j0+jj)*ldb + pc
			_ = b[r+7*ldb+pb-1] // the last element the blocks read
			transpose8(&panel[jj], &b[r], ldb, pb/8)
			for p := pb; p < kcb; p++ {
				for j := range 8 {
					panel[p*nr+jj+j] = b[r+j*ldb+p]
				}
			}
		}
	}
	for ; jj+4 <= nrb; jj += 4 {
		r := (j0+jj)*ldb + pc
		s0 := b[r : r+kcb]
		s1 := b[r+ldb : r+ldb+kcb]
		s2 := b[r+2*ldb : r+2*ldb+kcb]
		s3 := b[r+3*ldb : r+3*ldb+kcb]
		for p, v := range s0 {
			d := panel[p*nr+jj : p*nr+jj+4]
			d[0], d[1], d[2], d[3] = v, s1[p], s2[p], s3[p]
		}
	}
	for ; jj < nrb; jj++ {
		src := b[(j0+jj)*ldb+pc:]
		src = src[:kcb]
		for p, v := range src {
			panel[p*nr+jj] = v
		}
	}
	if nrb < nr {
		for p := range kcb {
			clear(panel[p*nr+nrb : p*nr+nr])
		}
	}
}
