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
//	                    "attention": true, "self_attention": true}
//	GET  /v1/model      config, vocabulary sizes, tokenizer, step, weights_sha256
//	GET  /v1/stats      batching counters
//	GET  /healthz       {"status": "ok"}
//	GET  /              the attention page
//
// A body over MaxBody bytes is 413; malformed JSON, unknown fields or wrong
// types 400; more than MaxSentences texts 400; more than MaxTokens source
// tokens in a request 413; a full queue 503; a request not answered within
// Timeout 504. Invalid UTF-8 becomes U+FFFD (as in train translate) and
// control characters become spaces, so they separate words.
package serve
