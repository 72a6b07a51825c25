package graph

import (
	"fmt"
	"math"
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

func rotl(x uint64, k uint) uint64 { return (x << k) | (x >> (64 - k)) }

// Uint64 returns the next 64 random bits.
func (r *RNG) Uint64() uint64 {
	s := &r.s
	result := rotl(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = rotl(s[3], 45)
	return result
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
