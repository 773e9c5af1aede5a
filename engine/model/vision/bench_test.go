package vision

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// BenchmarkEncodeTile measures one tile through the tiny fixture encoder.
func BenchmarkEncodeTile(b *testing.B) {
	dir := fixtureDir(b)
	p := loadFixtureProjector(b, dir)
	tile := readF32(b, filepath.Join(dir, "goldens", "gradient-336x336.tiles.f32"))
	b.ResetTimer()
	for b.Loop() {
		p.encodeTile(tile, nil)
	}
}

// BenchmarkMatmulScout measures one Scout-sized encoder projection (577
// tokens × 1408 → 1408, F32), reporting GFLOP/s.
func BenchmarkMatmulScout(b *testing.B) {
	const n, in, out = 577, 1408, 1408
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*in)
	w := make([]float32, in*out)
	for i := range x {
		x[i] = rng.Float32()
	}
	for i := range w {
		w[i] = rng.Float32()
	}
	m := &matrix{in: in, out: out, f32: w}
	dst := make([]float32, n*out)
	b.ResetTimer()
	for b.Loop() {
		matmul(dst, x, n, m, nil)
	}
	b.ReportMetric(2*n*in*out*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
