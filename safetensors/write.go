package safetensors

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
)

// Encode writes tensors as F32 safetensors to w, in the order given, with
// meta as "__metadata__" (omitted when empty). Names must be unique and
// non-empty and each Data must match its Shape.
func Encode(w io.Writer, tensors []Tensor, meta map[string]string) error {
	header, err := encodeHeader(tensors, meta)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	bw.Write(n[:])
	bw.Write(header)
	buf := make([]byte, 0, 1<<16)
	for _, t := range tensors {
		for _, x := range t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
			if len(buf) == cap(buf) {
				bw.Write(buf)
				buf = buf[:0]
			}
		}
	}
	bw.Write(buf)
	return bw.Flush()
}

// encodeHeader returns the JSON header padded with spaces to a multiple of
// 8 bytes, so that the data starts 8-byte aligned.
func encodeHeader(tensors []Tensor, meta map[string]string) ([]byte, error) {
	fields := make(map[string]any, len(tensors)+1)
	if len(meta) > 0 {
		fields[metadataKey] = meta
	}
	var off int64
	for _, t := range tensors {
		if t.Name == "" || t.Name == metadataKey {
			return nil, fmt.Errorf("tensor name %q is not allowed", t.Name)
		}
		if _, dup := fields[t.Name]; dup {
			return nil, fmt.Errorf("tensor %q: duplicate name", t.Name)
		}
		count := 1
		for _, d := range t.Shape {
			if d < 0 {
				return nil, fmt.Errorf("tensor %q: bad shape %v", t.Name, t.Shape)
			}
			count *= d
		}
		if count != len(t.Data) {
			return nil, fmt.Errorf("tensor %q: shape %v but %d values", t.Name, t.Shape, len(t.Data))
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		end := off + 4*int64(count)
		fields[t.Name] = map[string]any{"dtype": "F32", "shape": shape, "data_offsets": [2]int64{off, end}}
		off = end
	}
	header, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	for len(header)%8 != 0 {
		header = append(header, ' ')
	}
	if len(header) > MaxHeaderSize {
		return nil, fmt.Errorf("header of %d bytes is over the %d-byte limit", len(header), MaxHeaderSize)
	}
	return header, nil
}

// WriteFile writes tensors and meta as a safetensors file at path.
func WriteFile(path string, tensors []Tensor, meta map[string]string) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", path, cerr)
		}
	}()
	if err := Encode(f, tensors, meta); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
