package graph

import (
	"fmt"
	"math"
	"math/bits"
)

// RNG is a xoshiro256** pseudo-random generator seeded through splitmix64. It
// is the only source of randomness in the project: the same seed gives the
// same stream on every machine, and State and Restore let a checkpoint carry
// its exact position.
type RNG struct {
	s [4]uint64
}

// NewRNG returns a generator seeded from seed.
func NewRNG(seed uint64) *RNG {
	r := &RNG{}
	x := seed
	for i := range r.s {
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		r.s[i] = z ^ (z >> 31)
	}
	return r
}

// xoshiro is one step of xoshiro256**: the output of state (s0, s1, s2, s3)
// and the next state. Loops that draw many numbers (dropout masks) keep the
// state in four locals through it instead of loading and storing r.s on
// every draw; the stream is the one Uint64 gives.
func xoshiro(s0, s1, s2, s3 uint64) (out, n0, n1, n2, n3 uint64) {
	out = bits.RotateLeft64(s1*5, 7) * 9
	t := s1 << 17
	s2 ^= s0
	s3 ^= s1
	s1 ^= s2
	s0 ^= s3
	s2 ^= t
	s3 = bits.RotateLeft64(s3, 45)
	return out, s0, s1, s2, s3
}

// Uint64 returns the next 64 random bits.
func (r *RNG) Uint64() uint64 {
	var out uint64
	out, r.s[0], r.s[1], r.s[2], r.s[3] = xoshiro(r.s[0], r.s[1], r.s[2], r.s[3])
	return out
}

// Float64 returns a uniform number in [0, 1) with 53 random bits.
func (r *RNG) Float64() float64 {
	return float64(r.Uint64()>>11) / (1 << 53)
}

// Uniform returns a uniform number in [lo, hi).
func (r *RNG) Uniform(lo, hi float64) float64 {
	return lo + (hi-lo)*r.Float64()
}

// Normal returns a standard normal number (Box-Muller, one value per call so
// the stream position is simple to reason about).
func (r *RNG) Normal() float64 {
	u1 := r.Float64()
	for u1 == 0 {
		u1 = r.Float64()
	}
	u2 := r.Float64()
	return math.Sqrt(-2*math.Log(u1)) * math.Cos(2*math.Pi*u2)
}

// Split returns a new generator seeded from this one's next output, so that
// independent streams (initialisation, dropout, data) stay reproducible.
func (r *RNG) Split() *RNG {
	return NewRNG(r.Uint64())
}

// State returns the generator's full state.
func (r *RNG) State() []uint64 {
	return []uint64{r.s[0], r.s[1], r.s[2], r.s[3]}
}

// Restore sets the generator's state to one returned by State.
func (r *RNG) Restore(state []uint64) error {
	if len(state) != 4 {
		return fmt.Errorf("restore rng: state has %d words, want 4", len(state))
	}
	if state[0]|state[1]|state[2]|state[3] == 0 {
		return fmt.Errorf("restore rng: all-zero state")
	}
	copy(r.s[:], state)
	return nil
}
