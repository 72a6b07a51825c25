// Package infer runs a trained Transformer for decoding in plain Go, without
// Gorgonia: a batched encoder and an incremental decoder that keeps every
// row's self-attention keys and values, so each output step costs one
// position instead of a rerun of the whole prefix.
//
// It mirrors package layers exactly (pre-norm layers, embeddings scaled by
// sqrt(D) plus sinusoidal positions, Linear weights stored (in, out), the
// final layer norms, the padding mask on source keys, causal
// self-attention, tied or separate output projection) and graph's kernels
// (the same GEMM calls for projections, masked softmax and layer norm in the
// same order; the per-query attention products are plain loops where the
// graph uses a batched GEMM), so its logits match the training graph's to
// the last bits (tests: 1e-5 in float32, 1e-9 in float64).
//
// A Model is a snapshot of the weights of a graph.Params taken by New;
// take a new one whenever the weights may have changed. Model.Encode runs
// the encoder over a batch of sources and precomputes each decoder layer's
// cross-attention keys and values. Memory.Start begins decoding with one
// row per source sentence; State.Logits (or LogProbs) appends one position
// to every row and State.Reorder gathers rows, so beam search can follow
// each hypothesis's parent and drop finished sentences. Nothing here is
// safe for concurrent use, and nothing starts goroutines of its own
// (gonum's GEMM may, for large products).
package infer
