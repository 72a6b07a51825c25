// Package serve serves translations over HTTP with dynamic batching, and a
// self-contained page that shows the model's attention.
//
// The HTTP layer (Server) knows nothing of the model: it talks to a
// Backend, which tokenizes a text and translates a batch of token lists.
// ModelBackend is the Backend over a trained checkpoint; tests also use a
// fake one.
//
// Requests and limits (each error is a JSON body {"error": "..."}):
//
//	POST /v1/translate  {"text": "..."} or {"texts": [...], "beam": k,
//	                    "attention": true, "self_attention": true, "alignment": true}
//	GET  /v1/model      config, vocabulary sizes, tokenizer, step, weights_sha256
//	GET  /v1/alignment-report  AER per decoder layer and head on validation pairs
//	GET  /v1/stats      batching counters
//	GET  /healthz       {"status": "ok"}
//	GET  /              the attention page
//
// With "alignment" or "attention", a translation also carries its word
// alignment: "alignment": [sentence][[source, target], ...], indices into
// tokens.source and tokens.target (for a subword model into
// words.source and words.target, the words the pieces make), each target
// word linked to the source
// word that the last decoder layer's cross-attention, averaged over heads,
// weighs most (what train align gives by default); [] for an empty text.
//
// The alignment report is computed in the background once StartReport is
// called (train serve does, on --report-sentences validation pairs of the
// checkpoint's data.dir when valid.align is there): until it is ready the
// route answers 503 with Retry-After, without gold alignments 404, then
// {"split", "sentences", "layers", "heads", "aer": [layer][head],
// "average": [layer], "best_head": {"layer", "head", "aer", "precision",
// "recall"}, "best_average": {...}} with AER in [0, 1], 0-based indices.
//
// A body over MaxBody bytes is 413; malformed JSON, unknown fields or wrong
// types 400; more than MaxSentences texts 400; more than MaxTokens source
// tokens in a request 413; a full queue 503; a request not answered within
// Timeout 504. Invalid UTF-8 becomes U+FFFD (as in train translate) and
// control characters become spaces, so they separate words.
package serve
