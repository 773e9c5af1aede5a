// Package vision runs the Llama 4 image encoder and projector stored in a
// llama.cpp "mmproj" GGUF (general.architecture "clip", projector type
// "llama4"): images become tiles (package imageprep), each tile goes through
// the ViT encoder with 2-D RoPE, a 2×2 pixel shuffle, the adapter MLP and the
// projector, and comes out as 144 vectors in the text model's embedding
// space, ready to replace placeholder positions in the prompt.
//
// The numerics follow llama.cpp (mtmd, Aug 2026): its tiling and
// resampling, GELU through ggml's float16 lookup table, and by default its
// column-major pixel-shuffle token order (Projector.Order selects
// transformers' row-major order, which the model was trained with). The
// placeholder tokens around the embeddings are laid out by package chat
// from Projector.Grid.
package vision
