package safetensors

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// Tensor is one named float32 tensor; Dtype is the dtype it was stored in
// ("F32" when writing).
type Tensor struct {
	Name  string
	Dtype string
	Shape []int
	Data  []float32
}

// File is a whole safetensors file: its tensors in the order of their data
// and its metadata.
type File struct {
	Tensors  []Tensor
	Metadata map[string]string
}

// Get returns the tensor called name, or nil.
func (f *File) Get(name string) *Tensor {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i]
		}
	}
	return nil
}

// ReadFile reads and checks the safetensors file at path.
func ReadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Decode(b)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return f, nil
}

// Decode parses and checks a whole safetensors file held in b, converting
// every tensor to float32.
func Decode(b []byte) (*File, error) {
	entries, meta, start, err := ParseHeader(b, int64(len(b)))
	if err != nil {
		return nil, err
	}
	data := b[start:]
	f := &File{Tensors: make([]Tensor, len(entries)), Metadata: meta}
	for i, e := range entries {
		f.Tensors[i] = Tensor{Name: e.Name, Dtype: e.Dtype, Shape: e.Shape, Data: toFloat32(e.Dtype, data[e.Begin:e.End])}
	}
	return f, nil
}

// toFloat32 converts little-endian raw data of dtype to float32.
func toFloat32(dtype string, raw []byte) []float32 {
	switch dtype {
	case "F16":
		out := make([]float32, len(raw)/2)
		for i := range out {
			out[i] = halfToFloat32(binary.LittleEndian.Uint16(raw[2*i:]))
		}
		return out
	case "BF16":
		out := make([]float32, len(raw)/2)
		for i := range out {
			out[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(raw[2*i:])) << 16)
		}
		return out
	}
	out := make([]float32, len(raw)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return out
}

// halfToFloat32 widens an IEEE 754 binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp != 0: // normal
		return math.Float32frombits(sign | (exp+112)<<23 | mant<<13)
	case mant == 0: // zero
		return math.Float32frombits(sign)
	}
	// subnormal: mant * 2^-24
	v := float32(mant) * (1.0 / (1 << 24))
	if sign != 0 {
		v = -v
	}
	return v
}
