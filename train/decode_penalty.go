package train

import "math"

// Length penalties accepted by decode.length_penalty: how beam search
// ranks finished hypotheses of different lengths.
const (
	// PenaltyGNMT divides the log-probability sum by ((5+len)/6)^alpha
	// (Wu et al. 2016, GNMT).
	PenaltyGNMT = "gnmt"
	// PenaltyFairseq divides it by len^alpha (fairseq's lenpen).
	PenaltyFairseq = "fairseq"
	// PenaltyNone ranks by the log-probability sum itself (alpha unused).
	PenaltyNone = "none"
)

// LengthPenalties lists the valid values of decode.length_penalty.
var LengthPenalties = []string{PenaltyGNMT, PenaltyFairseq, PenaltyNone}

// LengthPenalty is the rule beam search normalises a finished hypothesis's
// score by: Kind (one of LengthPenalties) with exponent Alpha >= 0. The
// zero value is PenaltyNone.
type LengthPenalty struct {
	Kind  string
	Alpha float64
}

// GNMT returns GNMT's penalty with exponent alpha.
func GNMT(alpha float64) LengthPenalty { return LengthPenalty{Kind: PenaltyGNMT, Alpha: alpha} }

// divisor returns what a finished hypothesis of n tokens (EOS included)
// has its log-probability sum divided by. It never falls as n grows, and
// is 1 for unknown kinds (config validation rejects those).
func (p LengthPenalty) divisor(n int) float64 {
	switch p.Kind {
	case PenaltyGNMT:
		return math.Pow((5+float64(n))/6, p.Alpha)
	case PenaltyFairseq:
		return math.Pow(float64(n), p.Alpha)
	}
	return 1
}

// normalise returns the ranking score of a finished hypothesis of n tokens
// (EOS included) whose log-probabilities sum to score.
func (p LengthPenalty) normalise(score float64, n int) float64 {
	return score / p.divisor(n)
}

// Penalty returns the length penalty decode.length_penalty and
// decode.alpha name.
func (d DecodeConfig) Penalty() LengthPenalty {
	return LengthPenalty{Kind: d.LengthPenalty, Alpha: d.Alpha}
}
