// Package synth writes random-weight models of real shapes (Llama 3.2 1B, a
// small Llama 4 MoE) as GGUF files, for benchmarks. The files are complete:
// hyperparameters, a byte-level BPE vocabulary with merges, special tokens and
// a chat template, so Hearth and other GGUF tools load them like downloads.
//
// Weights are drawn from a normal distribution and quantized with the
// project's own quantizers into a pool of blocks; tensors are filled with
// runs of blocks copied from random places in the pool. The content is
// random noise either way, and copying keeps a multi-gigabyte model to
// seconds of work instead of minutes of quantization.
package synth
