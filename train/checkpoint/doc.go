// Package checkpoint saves and loads everything a training run needs to
// resume bit for bit: the step, the resolved config, the parameters, the
// Adam moments, the trainer's random state, the data iterator's state, both
// vocabularies and the best score so far.
//
// # Layout
//
// A run directory <out>/<name>/ holds one directory per checkpoint and two
// pointer files:
//
//	step-00000500/
//	    meta.json    step, best, RNG and data state, tensor names and shapes,
//	                 the size and sha256 of every other file, format version,
//	                 and a checksum of meta.json itself
//	    params.bin   parameters, little-endian float32, in registry order
//	    adam.bin     Adam first moments then second moments, same order
//	    config.yaml  the resolved config
//	    src.vocab    source vocabulary, one token a line
//	    tgt.vocab    target vocabulary, one token a line
//	latest           the name of the newest checkpoint directory
//	best             the name of the best checkpoint directory
//
// # Safety
//
// Save writes a checkpoint into a hidden temporary directory, syncs every
// file and the directory, renames it into place and only then moves the
// pointers, each by an atomic rename of a synced temporary file. A failed
// save therefore leaves earlier checkpoints and the pointers as they were.
// Load checks every file's size and sha256 against meta.json and meta.json
// against its own checksum, so a truncated or damaged file is an error
// naming it, never a silently wrong state.
package checkpoint
