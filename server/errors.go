package server

import (
	"encoding/json"
	"net/http"
)

// apiError is an error in OpenAI's JSON shape, with its HTTP status.
type apiError struct {
	Status  int    `json:"-"`
	Message string `json:"message"`
	Type    string `json:"type"`
	Param   any    `json:"param"`
	Code    any    `json:"code"`
}

func (e *apiError) Error() string { return e.Message }

// errorBody is the envelope OpenAI wraps errors in.
type errorBody struct {
	Error *apiError `json:"error"`
}

func badRequest(msg string, param string) *apiError {
	e := &apiError{Status: http.StatusBadRequest, Message: msg, Type: "invalid_request_error"}
	if param != "" {
		e.Param = param
	}
	return e
}

func unauthorized(msg string) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Message: msg, Type: "invalid_request_error", Code: "invalid_api_key"}
}

func notFound(msg, code string) *apiError {
	e := &apiError{Status: http.StatusNotFound, Message: msg, Type: "invalid_request_error"}
	if code != "" {
		e.Code = code
	}
	return e
}

func overloaded(msg string) *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Message: msg, Type: "server_error", Code: "server_overloaded"}
}

func serverError(msg string) *apiError {
	return &apiError{Status: http.StatusInternalServerError, Message: msg, Type: "server_error"}
}

// writeError sends e as the response.
func writeError(w http.ResponseWriter, e *apiError) {
	if e.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, e.Status, errorBody{Error: e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
