package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"hearth/app/chatgen"
)

// DefaultQueue is how many requests may wait or run at once by default.
const DefaultQueue = 64

// maxBody bounds a request body (images come inline as data URLs).
const maxBody = 64 << 20

// Source gives the generator requests run on: the loaded model, which may
// change while the server runs (the app loads another). An error says why
// there is none.
type Source func() (chatgen.Generator, error)

// Options configure a Server.
type Options struct {
	// Addr is host:port to listen on; "" means 127.0.0.1:8080.
	Addr string
	// AllowNonLoopback must be set to listen on an address other than
	// loopback, and then APIKey is required too.
	AllowNonLoopback bool
	// APIKey, when set, is required as "Authorization: Bearer KEY".
	APIKey string
	// CORSOrigins lists origins whose browser pages may call the API; "*"
	// allows any. Empty (the default) sends no CORS headers at all.
	CORSOrigins []string
	// Queue bounds the requests waiting or running; 0 means DefaultQueue.
	// A request beyond it gets 503 with Retry-After.
	Queue int
	// Logf receives one line per failed request; nil discards them.
	Logf func(format string, args ...any)
}

// Server is the OpenAI-compatible API over a Source.
type Server struct {
	opts  Options
	src   Source
	slots chan struct{}
	mux   *http.ServeMux

	mu   sync.Mutex
	http *http.Server
	ln   net.Listener
	done chan struct{}
}

// New checks opts and returns a server that is not listening yet.
func New(src Source, opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:8080"
	}
	if opts.Queue <= 0 {
		opts.Queue = DefaultQueue
	}
	loop, err := isLoopback(opts.Addr)
	if err != nil {
		return nil, err
	}
	if !loop {
		if !opts.AllowNonLoopback {
			return nil, fmt.Errorf("%s is not a loopback address: listening there exposes the model to the network, so it needs --allow-network and an API key", opts.Addr)
		}
		if opts.APIKey == "" {
			return nil, fmt.Errorf("listening on %s needs an API key (--api-key or HEARTH_API_KEY)", opts.Addr)
		}
	}
	s := &Server{opts: opts, src: src, slots: make(chan struct{}, opts.Queue), mux: http.NewServeMux()}
	s.mux.HandleFunc("POST /v1/chat/completions", s.chatCompletions)
	s.mux.HandleFunc("POST /v1/completions", s.completions)
	s.mux.HandleFunc("GET /v1/models", s.models)
	s.mux.HandleFunc("GET /v1/models/{id...}", s.model)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, notFound(fmt.Sprintf("Unknown endpoint %s %s", r.Method, r.URL.Path), "unknown_url"))
	})
	return s, nil
}

// isLoopback reports whether host:port names only loopback interfaces.
func isLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// Handler returns the API with its authentication, CORS and body limits.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cors(w, r) {
			return
		}
		if e := s.authorize(r); e != nil {
			writeError(w, e)
			return
		}
		if r.Method == http.MethodPost {
			// A JSON content type makes a cross-origin browser request
			// preflighted, which fails without CORS: a web page cannot
			// make the local model work for it with a "simple" request.
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				writeError(w, &apiError{Status: http.StatusUnsupportedMediaType, Message: "The body must be JSON (Content-Type: application/json)", Type: "invalid_request_error"})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		s.mux.ServeHTTP(w, r)
	})
}

// authorize checks the API key, and without one that the request names a
// loopback host (so that a web page cannot reach the API through a DNS
// name rebound to 127.0.0.1).
func (s *Server) authorize(r *http.Request) *apiError {
	if s.opts.APIKey == "" {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		host = strings.Trim(host, "[]")
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return &apiError{Status: http.StatusForbidden, Message: "Host " + r.Host + " is not a loopback address", Type: "invalid_request_error"}
		}
		return nil
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return unauthorized("Missing API key: send it as Authorization: Bearer KEY")
	}
	// Comparing hashes keeps the time independent of the key's length too.
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(s.opts.APIKey))
	if subtle.ConstantTimeCompare(a[:], b[:]) != 1 {
		return unauthorized("Incorrect API key")
	}
	return nil
}

// cors adds CORS headers for allowed origins and answers preflights; it
// reports whether the request was answered.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	allowed := false
	for _, o := range s.opts.CORSOrigins {
		if o == "*" || (origin != "" && o == origin) {
			allowed = true
		}
	}
	if origin == "" || !allowed {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Max-Age", "600")
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

// admit takes a queue slot, or reports the queue full. The returned
// function frees the slot.
func (s *Server) admit() (func(), *apiError) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	default:
		return nil, overloaded(fmt.Sprintf("The server is busy: %d requests are waiting or running. Retry shortly.", cap(s.slots)))
	}
}

// generator returns the model to serve, checking the requested name.
func (s *Server) generator(model string) (chatgen.Generator, *apiError) {
	g, err := s.src()
	if err != nil {
		return nil, overloaded(err.Error())
	}
	if name := g.Describe().Model; model != "" && model != name {
		return nil, notFound(fmt.Sprintf("The model %q does not exist: this server serves %q (see GET /v1/models)", model, name), "model_not_found")
	}
	return g, nil
}

// Start listens on the configured address and serves in the background;
// it returns the address listened on (the port chosen when it was 0).
func (s *Server) Start() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.http != nil {
		return "", errors.New("the API is already running")
	}
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return "", fmt.Errorf("listen on %s: %w", s.opts.Addr, err)
	}
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.http, s.ln, s.done = hs, ln, make(chan struct{})
	done := s.done
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logf("hearth serve: %v", err)
		}
	}()
	return ln.Addr().String(), nil
}

// Addr is the address listened on, "" when not running.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops listening and ends the requests under way (their
// generations stop as their contexts end), then waits for the server.
func (s *Server) Close() error {
	s.mu.Lock()
	hs, done := s.http, s.done
	s.http, s.ln = nil, nil
	s.mu.Unlock()
	if hs == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := hs.Shutdown(ctx)
	if err != nil {
		err = hs.Close()
	}
	<-done
	return err
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}
