package serve

import (
	"context"
	"net/http"
	"time"
)

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// sentencesKey is the context key of a request's sentence counter.
type sentencesKey struct{}

// setSentences records the number of sentences of r for its log line.
func setSentences(r *http.Request, n int) {
	if p, ok := r.Context().Value(sentencesKey{}).(*int); ok {
		*p = n
	}
}

// logged wraps h: a panic becomes a 500 with a JSON error, and every
// request gives one log line: method, path, status, sentences, ms.
func (s *Server) logged(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		n := 0
		r = r.WithContext(context.WithValue(r.Context(), sentencesKey{}, &n))
		defer func() {
			if p := recover(); p != nil {
				if sw.status == 0 {
					writeError(sw, errorf(http.StatusInternalServerError, "internal error"))
				}
				if s.log != nil {
					s.log.Printf("panic serving %s %s: %v", r.Method, r.URL.Path, p)
				}
			}
			if s.log != nil {
				s.log.Printf("%s %s %d sentences=%d %.1fms", r.Method, r.URL.Path, sw.status, n, float64(time.Since(start).Microseconds())/1000)
			}
		}()
		h.ServeHTTP(sw, r)
	})
}
