package server

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"hearth/app/chatgen"
	"hearth/engine/chat"
)

// maxStops is OpenAI's limit on stop sequences.
const maxStops = 4

// decode reads a JSON body into v, as an API error on failure.
func decode(w http.ResponseWriter, r *http.Request, v any) *apiError {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("The request body is larger than %d MiB", maxBody>>20), Type: "invalid_request_error"}
		}
		return badRequest("The body is not valid JSON for this endpoint: "+err.Error(), "")
	}
	return nil
}

// sampling reads the common sampling fields; OpenAI's defaults are
// temperature 1 and top_p 1 (off).
func sampling(temperature, topP *float64, seed *int64, n *int) (chatgen.Sampling, *apiError) {
	s := chatgen.Sampling{Temperature: 1, TopP: 1}
	if temperature != nil {
		if *temperature < 0 || *temperature > 2 {
			return s, badRequest("temperature must be between 0 and 2", "temperature")
		}
		s.Temperature = *temperature
	}
	if topP != nil {
		if *topP <= 0 || *topP > 1 {
			return s, badRequest("top_p must be greater than 0 and at most 1", "top_p")
		}
		s.TopP = *topP
	}
	if seed != nil {
		s.Seed = *seed
	}
	if n != nil && *n != 1 {
		return s, badRequest("Only n=1 is supported", "n")
	}
	return s, nil
}

func checkStops(stop stopList) *apiError {
	if len(stop) > maxStops {
		return badRequest(fmt.Sprintf("At most %d stop sequences are allowed", maxStops), "stop")
	}
	for _, s := range stop {
		if s == "" {
			return badRequest("A stop sequence must not be empty", "stop")
		}
	}
	return nil
}

func maxTokens(fields ...*int) (int, *apiError) {
	for _, f := range fields {
		if f != nil {
			if *f < 1 {
				return 0, badRequest("max_tokens must be at least 1", "max_tokens")
			}
			return *f, nil
		}
	}
	return 0, nil
}

// chatMessages turns the API's messages into chatgen's, decoding images.
func chatMessages(in []chatMessage) ([]chat.Message, []chatgen.Image, *apiError) {
	if len(in) == 0 {
		return nil, nil, badRequest("messages must not be empty", "messages")
	}
	var msgs []chat.Message
	var images []chatgen.Image
	for i, m := range in {
		switch m.Role {
		case "system", "developer":
			m.Role = "system"
		case "user", "assistant":
		case "tool", "function":
			return nil, nil, badRequest("Tool calls are not supported", fmt.Sprintf("messages[%d].role", i))
		default:
			return nil, nil, badRequest(fmt.Sprintf("Unknown role %q", m.Role), fmt.Sprintf("messages[%d].role", i))
		}
		msg := chat.Message{Role: m.Role, Content: m.Content.Text}
		var text []string
		for j, p := range m.Content.Parts {
			param := fmt.Sprintf("messages[%d].content[%d]", i, j)
			switch p.Type {
			case "text":
				text = append(text, p.Text)
			case "image_url":
				if m.Role != "user" {
					return nil, nil, badRequest("Only user messages may hold images", param)
				}
				if p.ImageURL == nil {
					return nil, nil, badRequest("image_url is missing", param)
				}
				img, err := dataURL(p.ImageURL.URL)
				if err != nil {
					return nil, nil, badRequest(err.Error(), param)
				}
				images = append(images, img)
				msg.Images++
			default:
				return nil, nil, badRequest(fmt.Sprintf("Unsupported content part type %q", p.Type), param)
			}
		}
		if m.Content.Parts != nil {
			msg.Content = strings.Join(text, "\n")
		}
		msgs = append(msgs, msg)
	}
	return msgs, images, nil
}

// dataURL decodes an image given as data:image/...;base64,....
func dataURL(u string) (chatgen.Image, error) {
	rest, ok := strings.CutPrefix(u, "data:")
	if !ok {
		return chatgen.Image{}, errors.New("Images must be data URLs (data:image/png;base64,...): Hearth fetches nothing from the network")
	}
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok || !strings.HasSuffix(meta, ";base64") {
		return chatgen.Image{}, errors.New("The image data URL must be base64-encoded (data:image/png;base64,...)")
	}
	mime := strings.TrimSuffix(meta, ";base64")
	if !strings.HasPrefix(mime, "image/") {
		return chatgen.Image{}, fmt.Errorf("The data URL holds %q, not an image", mime)
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return chatgen.Image{}, fmt.Errorf("The image data URL is not valid base64: %v", err)
	}
	return chatgen.Image{Data: data, MIME: mime}, nil
}

// finishReason is OpenAI's name for how a generation ended.
func finishReason(stop string) string {
	switch stop {
	case chatgen.StopLength, chatgen.StopContextFull:
		return "length"
	default:
		return "stop"
	}
}

func usageOf(r chatgen.Result) *usage {
	return &usage{
		PromptTokens: r.PromptTokens, CompletionTokens: r.CompletionTokens, TotalTokens: r.PromptTokens + r.CompletionTokens,
		PromptTokensDetails: &promptDetail{CachedTokens: r.CachedTokens},
	}
}

// generationError turns a failed generation into an API error.
func generationError(err error) *apiError {
	if errors.Is(err, chatgen.ErrBadRequest) {
		return badRequest(strings.TrimPrefix(err.Error(), chatgen.ErrBadRequest.Error()+": "), "")
	}
	return serverError(err.Error())
}
