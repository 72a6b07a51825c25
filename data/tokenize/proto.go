package tokenize

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// protoField is one field of a protocol-buffer message: a varint value,
// or the bytes of a length-delimited or fixed-width field.
type protoField struct {
	num   int
	wire  int
	value uint64
	bytes []byte
}

// parseProto splits a serialised protocol-buffer message into its fields.
func parseProto(b []byte) ([]protoField, error) {
	var fields []protoField
	for len(b) > 0 {
		tag, n := binary.Uvarint(b)
		if n <= 0 {
			return nil, errors.New("bad field tag")
		}
		b = b[n:]
		f := protoField{num: int(tag >> 3), wire: int(tag & 7)}
		switch f.wire {
		case 0:
			f.value, n = binary.Uvarint(b)
			if n <= 0 {
				return nil, fmt.Errorf("field %d: bad varint", f.num)
			}
			b = b[n:]
		case 1, 5:
			size := 8
			if f.wire == 5 {
				size = 4
			}
			if len(b) < size {
				return nil, fmt.Errorf("field %d: truncated", f.num)
			}
			f.bytes, b = b[:size], b[size:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				return nil, fmt.Errorf("field %d: truncated", f.num)
			}
			f.bytes, b = b[n:n+int(l)], b[n+int(l):]
		default:
			return nil, fmt.Errorf("field %d: unsupported wire type %d", f.num, f.wire)
		}
		fields = append(fields, f)
	}
	return fields, nil
}

// float32 reads a fixed 32-bit field as a float.
func (f protoField) float32() float32 {
	if len(f.bytes) != 4 {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(f.bytes))
}
