package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzTranslate sends arbitrary bodies to the handler: every answer must
// be JSON with a known status, an error message unless 200, and as many
// translations as texts.
func FuzzTranslate(f *testing.F) {
	for _, seed := range []string{
		`{"text": "a b c"}`, `{"texts": ["x", "", "PANIC"], "beam": 3, "attention": true, "self_attention": true}`,
		`{"texts": [null]}`, `{"text": "\u0000\ud800"}`, "{\"text\": \"\xff\"}", `{"beam": -1}`, `[]`, ``, `{"texts": [1]}`,
		`{"text": "` + strings.Repeat("w ", 40) + `"}`,
	} {
		f.Add(seed)
	}
	s := New(&fakeBackend{}, Limits{MaxBody: 1 << 10, MaxSentences: 8, MaxTokens: 32, Timeout: 5 * time.Second},
		BatchOptions{MaxBatch: 4, Wait: 0, Queue: 64, Workers: 2}, nil)
	defer s.Close()
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/translate", strings.NewReader(body)))
		var out struct {
			Error        *string
			Translations []string
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("body %q: answer %q is not JSON: %v", body, rec.Body.String(), err)
		}
		switch rec.Code {
		case 200:
			if out.Error != nil {
				t.Fatalf("body %q: 200 with an error", body)
			}
		case 400, 413, 500:
			if out.Error == nil || *out.Error == "" {
				t.Fatalf("body %q: status %d without an error message", body, rec.Code)
			}
		default:
			t.Fatalf("body %q: status %d", body, rec.Code)
		}
	})
}
