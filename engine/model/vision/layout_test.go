package vision

import (
	"testing"
)

func TestGridCounts(t *testing.T) {
	tests := []struct {
		rows, cols    int
		tiles, tokens int
	}{
		{1, 1, 1, 144},
		{1, 2, 3, 432}, // wide-500x300
		{2, 2, 5, 720},
		{3, 3, 10, 1440}, // spec §7.2: 1024×768 in llama.cpp
	}
	for _, tt := range tests {
		g := Grid{Rows: tt.rows, Cols: tt.cols, TokensPerTile: 144}
		if g.Tiles() != tt.tiles || g.ImageTokens() != tt.tokens {
			t.Errorf("%d×%d: %d tiles, %d tokens; want %d, %d", tt.rows, tt.cols, g.Tiles(), g.ImageTokens(), tt.tiles, tt.tokens)
		}
	}
}

func TestScatter(t *testing.T) {
	a, b := []float32{1}, []float32{2}
	got, err := Scatter(5, []int{1, 3}, [][]float32{a, b})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]float32{nil, a, nil, b, nil} {
		if (got[i] == nil) != (want == nil) || want != nil && got[i][0] != want[0] {
			t.Errorf("position %d: %v, want %v", i, got[i], want)
		}
	}
	bad := []struct {
		name      string
		n         int
		positions []int
		rows      int
	}{
		{"count mismatch", 5, []int{1, 2}, 1},
		{"position past end", 5, []int{5}, 1},
		{"negative position", 5, []int{-1}, 1},
		{"duplicate position", 5, []int{2, 2}, 2},
	}
	for _, tt := range bad {
		rows := make([][]float32, tt.rows)
		for i := range rows {
			rows[i] = []float32{0}
		}
		if _, err := Scatter(tt.n, tt.positions, rows); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}
