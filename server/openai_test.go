package server

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// These tests drive the API with OpenAI's official Go client, unmodified
// but for the base URL, against the tiny fixture model.

func client(base string, opts ...option.RequestOption) openai.Client {
	return openai.NewClient(append([]option.RequestOption{
		option.WithBaseURL(base), option.WithAPIKey("unused"), option.WithMaxRetries(0),
	}, opts...)...)
}

func TestOpenAIChat(t *testing.T) {
	g := tinyModel(t)
	base, _ := serve(t, g, Options{})
	c := client(base)
	ctx := context.Background()

	models, err := c.Models.List(ctx)
	if err != nil || len(models.Data) != 1 || models.Data[0].ID != "tiny" {
		t.Fatalf("models = %+v, %v", models, err)
	}

	// A long system prompt, sent twice: the second time its prefix comes
	// from the session (or the snapshot pages) and is reported cached.
	system := strings.Repeat("You are a helpful assistant who answers briefly. ", 40)
	params := openai.ChatCompletionNewParams{
		Model: "tiny",
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage(system), openai.UserMessage("Say hello."),
		},
		MaxTokens: openai.Int(6), Seed: openai.Int(7), Temperature: openai.Float(0),
	}
	first, err := c.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if first.Object != "chat.completion" || len(first.Choices) != 1 || first.Choices[0].FinishReason != "length" ||
		first.Usage.CompletionTokens != 6 || first.Usage.PromptTokens < 300 ||
		first.Usage.TotalTokens != first.Usage.PromptTokens+first.Usage.CompletionTokens {
		t.Fatalf("first = %+v", first)
	}
	params.Messages[1] = openai.UserMessage("Say goodbye.")
	second, err := c.Chat.Completions.New(ctx, params)
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Usage.PromptTokensDetails.CachedTokens; got < 256 || got >= second.Usage.PromptTokens {
		t.Fatalf("cached tokens %d of %d, want the system prompt's", got, second.Usage.PromptTokens)
	}

	// Streaming gives the same text as the whole answer (greedy).
	params.Messages[1] = openai.UserMessage("Say hello.")
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	stream := c.Chat.Completions.NewStreaming(ctx, params)
	var acc openai.ChatCompletionAccumulator
	chunks := 0
	for stream.Next() {
		acc.AddChunk(stream.Current())
		chunks++
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if acc.Choices[0].Message.Content != first.Choices[0].Message.Content || acc.Usage.CompletionTokens != 6 || chunks < 3 {
		t.Fatalf("streamed %q (%d chunks, usage %+v), whole %q", acc.Choices[0].Message.Content, chunks, acc.Usage, first.Choices[0].Message.Content)
	}
}

func TestOpenAIStopSequence(t *testing.T) {
	g := tinyModel(t)
	base, _ := serve(t, g, Options{})
	c := client(base)
	ctx := context.Background()
	p := openai.ChatCompletionNewParams{
		Model: "tiny", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Tell me a story.")},
		MaxTokens: openai.Int(24), Temperature: openai.Float(0),
	}
	full, err := c.Chat.Completions.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	text := full.Choices[0].Message.Content
	// Stop at a piece of the greedy answer's middle: the answer must end
	// right before it, and the stream must never show any of it.
	runes := []rune(text)
	if len(runes) < 6 {
		t.Fatalf("answer %q too short", text)
	}
	stop := string(runes[len(runes)/2 : len(runes)/2+2])
	want := text[:strings.Index(text, stop)]
	p.Stop = openai.ChatCompletionNewParamsStopUnion{OfStringArray: []string{stop, "never-appears"}}
	cut, err := c.Chat.Completions.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if cut.Choices[0].Message.Content != want || cut.Choices[0].FinishReason != "stop" {
		t.Fatalf("stop %q: got %q (%s), want %q", stop, cut.Choices[0].Message.Content, cut.Choices[0].FinishReason, want)
	}
	stream := c.Chat.Completions.NewStreaming(ctx, p)
	var got strings.Builder
	for stream.Next() {
		for _, ch := range stream.Current().Choices {
			got.WriteString(ch.Delta.Content)
		}
	}
	if stream.Err() != nil || got.String() != want {
		t.Fatalf("streamed %q, %v; want %q", got.String(), stream.Err(), want)
	}
}

func TestOpenAIImage(t *testing.T) {
	g := tinyModel(t)
	base, _ := serve(t, g, Options{})
	c := client(base)
	png, err := os.ReadFile(fixture(t, "vision", "images", "tiny-60x40-rgba.png"))
	if err != nil {
		t.Fatal(err)
	}
	url := "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
	msg := openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{
		openai.TextContentPart("What is in the picture?"),
		openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: url}),
	})
	res, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "tiny", Messages: []openai.ChatCompletionMessageParamUnion{msg}, MaxTokens: openai.Int(4), Temperature: openai.Float(0),
	})
	if err != nil {
		t.Fatal(err)
	}
	text, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "tiny", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is in the picture?")}, MaxTokens: openai.Int(4),
	})
	if err != nil {
		t.Fatal(err)
	}
	// The image's positions (one 336-pixel tile of 144 patches, plus its
	// markers) are in the prompt.
	if res.Usage.PromptTokens < text.Usage.PromptTokens+144 || res.Usage.CompletionTokens != 4 {
		t.Fatalf("prompt with image %d tokens, without %d", res.Usage.PromptTokens, text.Usage.PromptTokens)
	}
	// A URL that is not data is refused, not fetched.
	_, err = c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "tiny", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{
			openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: "https://example.com/cat.png"}),
		})},
	})
	wantAPIError(t, err, 400, "data URLs")
	// So is a data URL that holds no image.
	_, err = c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model: "tiny", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{
			openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: "data:image/png;base64," + base64.StdEncoding.EncodeToString([]byte("not a png"))}),
		})},
	})
	wantAPIError(t, err, 400, "image 1")
}

func wantAPIError(t *testing.T, err error, status int, text string) {
	t.Helper()
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v, want an API error %d", err, status)
	}
	if apiErr.StatusCode != status || !strings.Contains(apiErr.Message, text) || apiErr.Type == "" {
		t.Fatalf("error %d %q (type %q), want %d with %q", apiErr.StatusCode, apiErr.Message, apiErr.Type, status, text)
	}
}

func TestOpenAIErrors(t *testing.T) {
	g := tinyModel(t)
	base, _ := serve(t, g, Options{})
	c := client(base)
	ctx := context.Background()
	hi := []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")}
	_, err := c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o", Messages: hi})
	wantAPIError(t, err, 404, "does not exist")
	_, err = c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "tiny", Messages: hi, Temperature: openai.Float(3)})
	wantAPIError(t, err, 400, "temperature")
	_, err = c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "tiny", Messages: hi, N: openai.Int(2)})
	wantAPIError(t, err, 400, "n=1")
	_, err = c.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "tiny"})
	wantAPIError(t, err, 400, "messages")

	// With a key, a wrong or missing one is refused with 401.
	keyed, _ := serve(t, g, Options{APIKey: "s3cret"})
	wrong, right := client(keyed, option.WithAPIKey("wrong")), client(keyed, option.WithAPIKey("s3cret"))
	_, err = wrong.Models.List(ctx)
	wantAPIError(t, err, 401, "Incorrect API key")
	if _, err := right.Models.List(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAICompletions(t *testing.T) {
	g := tinyModel(t)
	base, _ := serve(t, g, Options{})
	c := client(base)
	res, err := c.Completions.New(context.Background(), openai.CompletionNewParams{
		Model: "tiny", Prompt: openai.CompletionNewParamsPromptUnion{OfString: openai.String("Once upon a time")},
		MaxTokens: openai.Int(5), Temperature: openai.Float(0),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Object != "text_completion" || res.Choices[0].FinishReason != "length" || res.Usage.CompletionTokens != 5 || res.Usage.PromptTokens < 4 {
		t.Fatalf("completion %+v", res)
	}
	stream := c.Completions.NewStreaming(context.Background(), openai.CompletionNewParams{
		Model: "tiny", Prompt: openai.CompletionNewParamsPromptUnion{OfString: openai.String("Once upon a time")},
		MaxTokens: openai.Int(5), Temperature: openai.Float(0),
	})
	var got strings.Builder
	for stream.Next() {
		for _, ch := range stream.Current().Choices {
			got.WriteString(ch.Text)
		}
	}
	if stream.Err() != nil || got.String() != res.Choices[0].Text {
		t.Fatalf("streamed %q, %v; whole %q", got.String(), stream.Err(), res.Choices[0].Text)
	}
}

// Test64Streams runs 64 streams at once: they queue on the one session
// and every one completes in full.
func Test64Streams(t *testing.T) {
	g := tinyModel(t)
	base, _ := serve(t, g, Options{Queue: 64})
	c := client(base)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream := c.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
				Model: "tiny", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("stream " + strings.Repeat("x", i))},
				// Greedy: a sampled answer may end at EOS before 4 tokens.
				Temperature: openai.Float(0),
				MaxTokens:   openai.Int(4), StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
			})
			var acc openai.ChatCompletionAccumulator
			for stream.Next() {
				acc.AddChunk(stream.Current())
			}
			if err := stream.Err(); err != nil {
				errs <- err
				return
			}
			if acc.Usage.CompletionTokens != 4 || acc.Choices[0].FinishReason != "length" {
				errs <- errors.New("stream " + acc.Choices[0].FinishReason)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
