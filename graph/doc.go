// Package graph holds the project's own building blocks over Gorgonia: the
// ops that Gorgonia v0.9.18 lacks or gets wrong (a masked, numerically
// stable softmax; layer normalisation; label-smoothed cross-entropy; dropout
// from a seeded keep-mask), a named and ordered parameter registry, a seeded
// random number generator whose state can be saved, and a float64
// central-difference gradient checker for tests.
//
// # Error convention
//
// Graph construction goes through a Builder. Its methods return *gorgonia.Node
// only and never an error: on the first failure they panic with a
// *BuildError, and Build recovers that panic at one boundary and returns it
// as an ordinary error. Code that builds graphs therefore reads like the
// model it describes, and callers outside Build never see a panic. Panics that
// are not a *BuildError are programming errors and are re-raised.
//
// # Shapes
//
// Activations are kept as 2-D matrices (B*T, D): row b*T+t holds position t of
// sentence b, and head h of a row is its columns h*D/H..(h+1)*D/H. Attention
// never reshapes them: HeadScores reads the heads in place and gives the
// scores as (B*H, Tq, Tk), and HeadContext writes P·V straight back into the
// (B*Tq, D) layout. Every op that changes a shape carries a shape comment.
package graph
