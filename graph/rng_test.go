package graph

import "testing"

// TestRNGStreamPinned pins the generator's first outputs, so that a change
// to it (or to its seeding) cannot slip past: xoshiro256** seeded through
// splitmix64, whose first output from seed 0 is 0x99ec5f36cb75f2b4.
func TestRNGStreamPinned(t *testing.T) {
	for _, tc := range []struct {
		seed uint64
		want []uint64
	}{
		{0, []uint64{0x99ec5f36cb75f2b4}},
		{42, []uint64{0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1}},
	} {
		r := NewRNG(tc.seed)
		for i, want := range tc.want {
			if got := r.Uint64(); got != want {
				t.Errorf("NewRNG(%d) draw %d = %#x, want %#x", tc.seed, i, got, want)
			}
		}
	}
}
