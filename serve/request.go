package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
)

// translateRequest is the body of POST /v1/translate: exactly one of Text
// and Texts.
type translateRequest struct {
	Text          *string  `json:"text"`
	Texts         []string `json:"texts"`
	Beam          *int     `json:"beam"`
	Attention     bool     `json:"attention"`
	SelfAttention bool     `json:"self_attention"`
	Alignment     bool     `json:"alignment"`
}

// httpError is an error with the status it answers.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

// errorf returns an httpError.
func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// maxBeam is the widest beam a request may ask for.
const maxBeam = 16

// decodeRequest reads and checks a translate request's body, at most
// maxBody bytes.
func decodeRequest(w http.ResponseWriter, r *http.Request, maxBody int64, maxSentences int) (*translateRequest, error) {
	if r.ContentLength > maxBody {
		return nil, errorf(http.StatusRequestEntityTooLarge, "body of %d bytes exceeds the limit of %d", r.ContentLength, maxBody)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, errorf(http.StatusRequestEntityTooLarge, "body exceeds the limit of %d bytes", maxBody)
	case err != nil:
		return nil, errorf(http.StatusBadRequest, "read body: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var req translateRequest
	if err := dec.Decode(&req); err != nil {
		return nil, errorf(http.StatusBadRequest, "malformed request: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errorf(http.StatusBadRequest, "malformed request: data after the JSON object")
	}
	switch {
	case req.Text != nil && req.Texts != nil:
		return nil, errorf(http.StatusBadRequest, `give "text" or "texts", not both`)
	case req.Text != nil:
		req.Texts = []string{*req.Text}
	case req.Texts == nil:
		return nil, errorf(http.StatusBadRequest, `missing "text" or "texts"`)
	case len(req.Texts) > maxSentences:
		return nil, errorf(http.StatusBadRequest, "%d texts exceed the limit of %d", len(req.Texts), maxSentences)
	}
	if req.Beam != nil && (*req.Beam < 1 || *req.Beam > maxBeam) {
		return nil, errorf(http.StatusBadRequest, `"beam" %d is not in [1, %d]`, *req.Beam, maxBeam)
	}
	return &req, nil
}

// clean replaces invalid UTF-8 by U+FFFD and control characters by spaces.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
