package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
)

// MaxHeaderSize is the largest JSON header Read accepts, 100 MB.
const MaxHeaderSize = 100 << 20

// metadataKey is the header key of the free-form string map.
const metadataKey = "__metadata__"

// Entry is one tensor of a header: its name, dtype, shape and the [Begin,
// End) byte range of its data, counted from the end of the header.
type Entry struct {
	Name       string
	Dtype      string
	Shape      []int
	Begin, End int64
}

// dtypeSizes gives the element size of each dtype Read understands.
var dtypeSizes = map[string]int64{"F32": 4, "F16": 2, "BF16": 2}

// rawEntry is an entry as the JSON header spells it.
type rawEntry struct {
	Dtype       string  `json:"dtype"`
	Shape       []int64 `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// ParseHeader reads the header at the start of a file of fileSize bytes
// whose first bytes are prefix (at least the 8-byte length and the header
// itself). It returns the entries sorted by offset, the metadata and the
// size of the length field plus header, where the data starts. It checks
// every rule of the format: the header size, the JSON, each dtype, shape
// and offset range, and that the tensors tile the data exactly.
func ParseHeader(prefix []byte, fileSize int64) ([]Entry, map[string]string, int64, error) {
	if len(prefix) < 8 || fileSize < 8 {
		return nil, nil, 0, fmt.Errorf("file of %d bytes is too short for the 8-byte header length", fileSize)
	}
	n := binary.LittleEndian.Uint64(prefix[:8])
	if n > MaxHeaderSize {
		return nil, nil, 0, fmt.Errorf("header of %d bytes is over the %d-byte limit", n, MaxHeaderSize)
	}
	start := 8 + int64(n)
	if start > fileSize || start > int64(len(prefix)) {
		return nil, nil, 0, fmt.Errorf("header of %d bytes runs past the end of the %d-byte file", n, fileSize)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(prefix[8:start], &raw); err != nil {
		return nil, nil, 0, fmt.Errorf("header JSON: %w", err)
	}
	meta, err := parseMetadata(raw[metadataKey])
	if err != nil {
		return nil, nil, 0, err
	}
	delete(raw, metadataKey)
	entries := make([]Entry, 0, len(raw))
	for name, msg := range raw {
		e, err := parseEntry(name, msg)
		if err != nil {
			return nil, nil, 0, err
		}
		entries = append(entries, e)
	}
	if err := checkTiling(entries, fileSize-start); err != nil {
		return nil, nil, 0, err
	}
	return entries, meta, start, nil
}

// parseMetadata decodes the optional string map.
func parseMetadata(msg json.RawMessage) (map[string]string, error) {
	if msg == nil {
		return nil, nil
	}
	var meta map[string]string
	if err := json.Unmarshal(msg, &meta); err != nil {
		return nil, fmt.Errorf("header %s is not a map of strings: %w", metadataKey, err)
	}
	return meta, nil
}

// parseEntry decodes and checks one tensor's entry.
func parseEntry(name string, msg json.RawMessage) (Entry, error) {
	var r rawEntry
	dec := json.NewDecoder(bytes.NewReader(msg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Entry{}, fmt.Errorf("tensor %q: header entry: %w", name, err)
	}
	size, ok := dtypeSizes[r.Dtype]
	if !ok {
		return Entry{}, fmt.Errorf("tensor %q: dtype %q is not supported (F32, F16 or BF16)", name, r.Dtype)
	}
	if len(r.DataOffsets) != 2 {
		return Entry{}, fmt.Errorf("tensor %q: data_offsets has %d values, want 2", name, len(r.DataOffsets))
	}
	e := Entry{Name: name, Dtype: r.Dtype, Shape: make([]int, len(r.Shape)), Begin: r.DataOffsets[0], End: r.DataOffsets[1]}
	count := int64(1)
	for i, d := range r.Shape {
		if d < 0 || d > MaxHeaderSize<<8 || (d > 0 && count > (1<<50)/d) {
			return Entry{}, fmt.Errorf("tensor %q: bad shape %v", name, r.Shape)
		}
		count *= d
		e.Shape[i] = int(d)
	}
	if e.Begin < 0 || e.End < e.Begin {
		return Entry{}, fmt.Errorf("tensor %q: bad data_offsets [%d, %d]", name, e.Begin, e.End)
	}
	if e.End-e.Begin != count*size {
		return Entry{}, fmt.Errorf("tensor %q: data_offsets [%d, %d] hold %d bytes, shape %v of %s needs %d", name, e.Begin, e.End, e.End-e.Begin, e.Shape, e.Dtype, count*size)
	}
	return e, nil
}

// checkTiling sorts entries by offset and requires them to cover the
// dataSize bytes of data exactly: in range, no overlap, no hole, nothing
// after the last tensor.
func checkTiling(entries []Entry, dataSize int64) error {
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].Begin != entries[j].Begin {
			return entries[i].Begin < entries[j].Begin
		}
		return entries[i].Name < entries[j].Name
	})
	var pos int64
	prev := ""
	for _, e := range entries {
		if e.End > dataSize {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] run past the %d bytes of data", e.Name, e.Begin, e.End, dataSize)
		}
		if e.Begin < pos {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap tensor %q ending at %d", e.Name, e.Begin, e.End, prev, pos)
		}
		if e.Begin > pos {
			return fmt.Errorf("tensor %q: hole of %d bytes before its data_offsets [%d, %d]", e.Name, e.Begin-pos, e.Begin, e.End)
		}
		pos, prev = e.End, e.Name
	}
	if pos != dataSize {
		return fmt.Errorf("%d trailing bytes after the last tensor's data", dataSize-pos)
	}
	return nil
}
