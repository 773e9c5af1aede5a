package app

// Recommended is a model suggested for download.
type Recommended struct {
	Name      string `json:"name"`
	URL       string `json:"url"`
	SizeBytes int64  `json:"sizeBytes"` // approximate, for the whole model (all parts)
	SHA256    string `json:"sha256"`    // "" where not known: the digest is then shown, not checked
	Notes     string `json:"notes"`
}

// RecommendedModels lists well-known community GGUF quantizations of the
// models Hearth runs. Sizes are approximate (as the repositories list
// them); Llama 4 files over 50 GB are split, and the URL is the first part.
func (a *App) RecommendedModels() []Recommended {
	const gb = 1_000_000_000
	return []Recommended{
		{
			Name:      "Llama 3.2 1B Instruct (Q4_K_M)",
			URL:       "https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf",
			SizeBytes: 81 * gb / 100,
			Notes:     "About 0.8 GB (approximate). Small and fast: runs on almost any machine.",
		},
		{
			Name:      "Llama 3.2 3B Instruct (Q4_K_M)",
			URL:       "https://huggingface.co/bartowski/Llama-3.2-3B-Instruct-GGUF/resolve/main/Llama-3.2-3B-Instruct-Q4_K_M.gguf",
			SizeBytes: 202 * gb / 100,
			Notes:     "About 2 GB (approximate). A good first model for laptops.",
		},
		{
			Name:      "Llama 4 Scout 17B-16E Instruct (Q4_K_M)",
			URL:       "https://huggingface.co/bartowski/meta-llama_Llama-4-Scout-17B-16E-Instruct-GGUF/resolve/main/meta-llama_Llama-4-Scout-17B-16E-Instruct-Q4_K_M/meta-llama_Llama-4-Scout-17B-16E-Instruct-Q4_K_M-00001-of-00002.gguf",
			SizeBytes: 65 * gb,
			Notes:     "About 65 GB in total (approximate), split in 2 files: this is part 1; download part 2 (…-00002-of-00002.gguf) into the same folder. Needs about 70 GB of memory. Gated: accept Meta's license on Hugging Face first.",
		},
		{
			Name:      "Llama 4 Maverick 17B-128E Instruct (Q4_K_M)",
			URL:       "https://huggingface.co/bartowski/meta-llama_Llama-4-Maverick-17B-128E-Instruct-GGUF/resolve/main/meta-llama_Llama-4-Maverick-17B-128E-Instruct-Q4_K_M/meta-llama_Llama-4-Maverick-17B-128E-Instruct-Q4_K_M-00001-of-00005.gguf",
			SizeBytes: 243 * gb,
			Notes:     "About 243 GB in total (approximate), split in several files: this is part 1; download every part into the same folder (check the part count on the repository page). Needs a workstation with about 256 GB of memory. Gated: accept Meta's license on Hugging Face first.",
		},
	}
}
