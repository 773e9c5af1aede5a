package server

import (
	"net/http"
	"time"
)

// started stamps the models' "created" field.
var started = time.Now().Unix()

// models is GET /v1/models: the model being served.
func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	list := modelList{Object: "list", Data: []modelInfo{}}
	if g, err := s.src(); err == nil {
		list.Data = append(list.Data, modelInfo{ID: g.Describe().Model, Object: "model", Created: started, OwnedBy: "hearth"})
	}
	writeJSON(w, http.StatusOK, list)
}

// model is GET /v1/models/{id}.
func (s *Server) model(w http.ResponseWriter, r *http.Request) {
	g, e := s.generator(r.PathValue("id"))
	if e != nil {
		writeError(w, e)
		return
	}
	writeJSON(w, http.StatusOK, modelInfo{ID: g.Describe().Model, Object: "model", Created: started, OwnedBy: "hearth"})
}
