package serve

import (
	_ "embed"
	"net/http"
)

// pageHTML is the attention page: HTML, CSS and script in one file, with
// nothing fetched from elsewhere.
//
//go:embed static/index.html
var pageHTML []byte

// page serves GET /.
func page(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
	w.Write(pageHTML)
}
