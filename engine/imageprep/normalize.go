package imageprep

// Normalize converts an RGB tile to planar float32 CHW, each channel c
// mapped as (u/255 − mean[c]) / std[c] in float32, as llama.cpp does.
func Normalize(t *RGB, mean, std [3]float32) []float32 {
	n := t.Width * t.Height
	out := make([]float32, 3*n)
	for c := 0; c < 3; c++ {
		// A byte has only 256 values; a lookup keeps the per-pixel work to
		// a copy and makes every value exactly the float32 formula's.
		var lut [256]float32
		for u := range lut {
			lut[u] = (float32(u)/255 - mean[c]) / std[c]
		}
		plane := out[c*n : (c+1)*n]
		for i := range plane {
			plane[i] = lut[t.Pix[3*i+c]]
		}
	}
	return out
}
