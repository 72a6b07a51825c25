// Package layers declares the Transformer's layers as Gorgonia graph nodes:
// Linear, Embedding with sinusoidal positions, LayerNorm, MultiHeadAttention,
// FeedForward, EncoderLayer, DecoderLayer and the sequence-to-sequence
// Transformer. Each layer is a struct holding the names of its parameters in
// a graph.Params registry, a constructor that registers and initialises them,
// and a Forward that adds its nodes to a graph.Builder. Gorgonia
// differentiates everything; the few ops it lacks or gets wrong come from
// package graph.
//
// Activations are 2-D (B*T, D) matrices, row b*T+t being position t of
// sentence b. Builder methods panic on a build error and graph.Builder.Build
// recovers it (see package graph).
package layers
