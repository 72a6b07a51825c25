package checkpoint

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// writeFloats writes each tensor's data to w as little-endian float32s, in
// order, through a fixed-size buffer.
func writeFloats(w io.Writer, ts []Tensor) error {
	buf := make([]byte, 0, 64<<10)
	for _, t := range ts {
		for _, x := range t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
			if len(buf) == cap(buf) {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	_, err := w.Write(buf)
	return err
}

// readFloats splits data, little-endian float32s, into tensors with the
// given names and shapes. The byte count must match the shapes exactly.
func readFloats(data []byte, specs []tensorMeta) ([]Tensor, error) {
	total := 0
	for _, s := range specs {
		n := s.size()
		if n < 0 || n > len(data)/4-total {
			return nil, fmt.Errorf("%d bytes, too few for the shapes in meta.json (tensor %q %v)", len(data), s.Name, s.Shape)
		}
		total += n
	}
	if len(data) != 4*total {
		return nil, fmt.Errorf("%d bytes, but the shapes in meta.json need %d", len(data), 4*total)
	}
	var ts []Tensor
	for _, s := range specs {
		n := s.size()
		t := Tensor{Name: s.Name, Shape: s.Shape, Data: make([]float32, n)}
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
		}
		data = data[4*n:]
		ts = append(ts, t)
	}
	return ts, nil
}
