// Package imageprep turns an encoded image file into the normalised
// 336×336-style tiles a Llama 4 vision encoder consumes, reproducing
// llama.cpp's mtmd preprocessing bit for bit: stb_image-like decoding to
// 8-bit RGB (alpha dropped, 16-bit samples truncated to their high byte),
// LLaVA-UHD grid selection up to 3×3, its bicubic resize centred on a black
// canvas, its corner-aligned bilinear overview tile, and float32
// normalisation.
//
// Decoding checks the header against Limits before any pixel buffer is
// allocated, so a small file claiming an enormous image is rejected cheaply.
package imageprep
