package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"
)

// rawFile assembles a file from a header text and data bytes, unpadded.
func rawFile(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestRoundTrip(t *testing.T) {
	in := []Tensor{
		{Name: "b.weight", Dtype: "F32", Shape: []int{2, 3}, Data: []float32{1, -2, 3.5, float32(math.Inf(1)), 0, 1e-30}},
		{Name: "a.bias", Dtype: "F32", Shape: []int{1}, Data: []float32{7}},
		{Name: "empty", Dtype: "F32", Shape: []int{0, 4}, Data: []float32{}},
	}
	meta := map[string]string{"format": "pt", "config": `{"d_model": 16}`}
	var buf bytes.Buffer
	if err := Encode(&buf, in, meta); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	n := binary.LittleEndian.Uint64(b)
	if n%8 != 0 || !bytes.HasSuffix(bytes.TrimRight(b[8:8+n], " "), []byte("}")) {
		t.Errorf("header of %d bytes is not padded with spaces to 8-byte alignment: %q", n, b[8:8+n])
	}
	if got, want := len(b), 8+int(n)+4*7; got != want {
		t.Errorf("file is %d bytes, want %d", got, want)
	}
	f, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	// Decode orders by offset (= write order); the empty tensor ties at the
	// end offset and is kept.
	if !reflect.DeepEqual(f.Tensors, in) {
		t.Errorf("Decode(Encode(x)) = %+v, want %+v", f.Tensors, in)
	}
	if !reflect.DeepEqual(f.Metadata, meta) {
		t.Errorf("metadata = %v, want %v", f.Metadata, meta)
	}
	// Data is little-endian row-major right after the header.
	if got := math.Float32frombits(binary.LittleEndian.Uint32(b[8+n+4:])); got != -2 {
		t.Errorf("second float of the data = %v, want -2", got)
	}
}

func TestHalfPrecision(t *testing.T) {
	// F16: 1.0 = 0x3c00, -2.5 = 0xc100, smallest subnormal 0x0001 = 2^-24, +Inf 0x7c00.
	// BF16: 1.0 = 0x3f80, -3.0 = 0xc040.
	f16 := []uint16{0x3c00, 0xc100, 0x0001, 0x7c00}
	bf16 := []uint16{0x3f80, 0xc040}
	var data []byte
	for _, h := range append(f16, bf16...) {
		data = binary.LittleEndian.AppendUint16(data, h)
	}
	hdr := `{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]}}`
	f, err := Decode(rawFile(hdr, data))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{
		"h": {1, -2.5, float32(math.Ldexp(1, -24)), float32(math.Inf(1))},
		"b": {1, -3},
	}
	for name, w := range want {
		if got := f.Get(name).Data; !reflect.DeepEqual(got, w) {
			t.Errorf("tensor %s = %v, want %v", name, got, w)
		}
	}
}

func TestHalfToFloat32Exhaustive(t *testing.T) {
	// Every finite half is m * 2^e exactly; compare with math.Ldexp.
	for h := 0; h < 1<<16; h++ {
		exp, mant := (h>>10)&0x1f, h&0x3ff
		if exp == 0x1f {
			continue
		}
		var want float64
		if exp == 0 {
			want = math.Ldexp(float64(mant), -24)
		} else {
			want = math.Ldexp(float64(mant|0x400), exp-25)
		}
		if h>>15 != 0 {
			want = -want
		}
		if got := halfToFloat32(uint16(h)); float64(got) != want || math.Signbit(float64(got)) != (h>>15 != 0) {
			t.Fatalf("halfToFloat32(%#04x) = %v, want %v", h, got, want)
		}
	}
}

func TestMalformed(t *testing.T) {
	four := make([]byte, 4)
	eight := make([]byte, 8)
	huge := binary.LittleEndian.AppendUint64(nil, MaxHeaderSize+1)
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"short file", []byte{1, 2, 3}, "too short"},
		{"header over 100 MB", append(huge, "{}"...), "over the"},
		{"header past end", binary.LittleEndian.AppendUint64(nil, 64), "past the end"},
		{"not JSON", rawFile(`{"a":`, nil), "header JSON"},
		{"bad dtype", rawFile(`{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, eight), `tensor "w": dtype "I64"`},
		{"F64 refused", rawFile(`{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`, eight), `tensor "w": dtype "F64"`},
		{"size mismatch", rawFile(`{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, eight), `tensor "w": data_offsets [0, 8] hold 8 bytes`},
		{"negative shape", rawFile(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, four), `tensor "w":`},
		{"reversed offsets", rawFile(`{"w":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}`, four), `tensor "w": bad data_offsets`},
		{"one offset", rawFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}`, four), `tensor "w": data_offsets has 1`},
		{"unknown field", rawFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, four), `tensor "w": header entry`},
		{"out of range", rawFile(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, four), `tensor "w": data_offsets [0, 8] run past`},
		{"overlap", rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, eight), `tensor "b": data_offsets [4, 8] overlap tensor "a"`},
		{"hole", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, eight), `tensor "a": hole of 4 bytes`},
		{"trailing bytes", rawFile(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, eight), "4 trailing bytes"},
		{"metadata not strings", rawFile(`{"__metadata__":{"a":1}}`, nil), "__metadata__ is not a map of strings"},
	}
	for _, tc := range tests {
		_, err := Decode(tc.file)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	for _, ts := range [][]Tensor{
		{{Name: "a", Shape: []int{2}, Data: []float32{1}}},
		{{Name: "a", Shape: []int{1}, Data: []float32{1}}, {Name: "a", Shape: []int{1}, Data: []float32{1}}},
		{{Name: "", Shape: []int{1}, Data: []float32{1}}},
	} {
		if err := Encode(&bytes.Buffer{}, ts, nil); err == nil {
			t.Errorf("Encode(%+v) succeeded, want an error", ts)
		}
	}
}

// FuzzParseHeader checks that the parser never panics and that whatever it
// accepts tiles the data exactly with known dtypes.
func FuzzParseHeader(f *testing.F) {
	var good bytes.Buffer
	Encode(&good, []Tensor{{Name: "a", Shape: []int{2}, Data: []float32{1, 2}}, {Name: "b", Shape: []int{1, 1}, Data: []float32{3}}}, map[string]string{"k": "v"})
	f.Add(good.Bytes())
	f.Add(rawFile(`{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add(rawFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)))
	f.Add(rawFile(`{}`, nil))
	f.Add([]byte{255, 255, 255, 255, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		entries, _, start, err := ParseHeader(b, int64(len(b)))
		if err != nil {
			return
		}
		pos := int64(0)
		for _, e := range entries {
			if e.Begin != pos || dtypeSizes[e.Dtype] == 0 {
				t.Fatalf("accepted entry %+v at position %d", e, pos)
			}
			pos = e.End
		}
		if start+pos != int64(len(b)) {
			t.Fatalf("accepted tensors ending at %d in a file of %d bytes", start+pos, len(b))
		}
		if _, err := Decode(b); err != nil {
			t.Fatalf("ParseHeader accepted what Decode refuses: %v", err)
		}
	})
}
