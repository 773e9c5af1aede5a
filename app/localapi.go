package app

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"

	"hearth/app/chatgen"
	"hearth/server"
)

// DefaultAPIPort is the port the Settings switch suggests for the local API.
const DefaultAPIPort = 8080

// APIStatus is the local OpenAI-compatible API as Settings shows it.
type APIStatus struct {
	Running bool `json:"running"`
	// URL is the API root clients use (http://127.0.0.1:PORT/v1), "" when off.
	URL  string `json:"url"`
	Port int    `json:"port"`
	// Model is the model requests go to now, "" when none is loaded (they
	// then get 503 saying so).
	Model string `json:"model"`
	// Error is why the last start failed, "" when it did not.
	Error string `json:"error"`
}

// localAPI is the API server the Settings switch runs on the loaded model.
type localAPI struct {
	mu  sync.Mutex
	srv *server.Server
	url string
	err string
}

// StartAPI starts the OpenAI-compatible API on loopback port (0: any free
// port) over whichever model is loaded; it serves the same generation
// service as the window, so API requests and chats take turns.
func (a *App) StartAPI(port int) (APIStatus, error) {
	if port < 0 || port > 65535 {
		return a.APIStatus(), fmt.Errorf("Port %d is not a port number", port)
	}
	a.api.mu.Lock()
	if a.api.srv != nil {
		a.api.mu.Unlock()
		return a.APIStatus(), errors.New("The local API is already running")
	}
	src := func() (chatgen.Generator, error) {
		lm, err := a.loaded()
		if err != nil {
			return nil, err
		}
		return lm.gen, nil
	}
	srv, err := server.New(src, server.Options{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Logf: a.logf})
	var addr string
	if err == nil {
		addr, err = srv.Start()
	}
	if err != nil {
		a.api.err = fmt.Sprintf("Cannot start the local API: %v", err)
		a.api.mu.Unlock()
		a.logf("hearth: %s", a.api.err)
		return a.APIStatus(), errors.New(a.api.err)
	}
	a.api.srv, a.api.url, a.api.err = srv, "http://"+addr+"/v1", ""
	a.api.mu.Unlock()
	a.logf("hearth: local API listening on %s", a.api.url)
	return a.APIStatus(), nil
}

// StopAPI stops the local API; requests under way end (their generations
// stop).
func (a *App) StopAPI() (APIStatus, error) {
	a.api.mu.Lock()
	srv := a.api.srv
	a.api.srv, a.api.url = nil, ""
	a.api.mu.Unlock()
	if srv != nil {
		if err := srv.Close(); err != nil {
			return a.APIStatus(), fmt.Errorf("Stopping the local API: %w", err)
		}
	}
	return a.APIStatus(), nil
}

// APIStatus reports the local API.
func (a *App) APIStatus() APIStatus {
	a.api.mu.Lock()
	st := APIStatus{Running: a.api.srv != nil, URL: a.api.url, Error: a.api.err}
	if st.Running {
		if _, p, err := net.SplitHostPort(a.api.srv.Addr()); err == nil {
			st.Port, _ = strconv.Atoi(p)
		}
	}
	a.api.mu.Unlock()
	if lm, err := a.loaded(); err == nil {
		st.Model = lm.gen.Describe().Model
	}
	return st
}
