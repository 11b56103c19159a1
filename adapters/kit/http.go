package kit

import (
	"net/http"
	"time"
)

// IdleConnsPerHost is how many idle connections the adapters' HTTP client
// keeps to the platform: more than the sender's sends at once, so that a
// fan-out reuses its connections instead of dialling (and, on the real
// platforms, handshaking TLS) for most requests, as the standard
// library's default of 2 would make it.
const IdleConnsPerHost = 16

// NewHTTPClient returns the HTTP client an adapter uses when it is given
// none: the default transport's settings, with IdleConnsPerHost idle
// connections kept to each host, and a timeout on every request.
func NewHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = IdleConnsPerHost
	return &http.Client{Timeout: timeout, Transport: t}
}
