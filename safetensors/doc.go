// Package safetensors reads and writes the safetensors format
// (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON mapping each tensor name to its dtype,
// shape and [begin, end) byte offsets into the data that follows, plus an
// optional "__metadata__" map of strings, then the tensors' little-endian
// row-major bytes with no holes and no overlaps.
//
// Write produces F32 tensors in the order given, with the header padded with
// spaces so the data starts 8-byte aligned. Read accepts F32, F16 and BF16
// tensors (F16 and BF16 are widened to float32 exactly) and refuses anything
// else with an error naming the tensor at fault.
package safetensors
