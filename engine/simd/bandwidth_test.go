package simd

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestStreamReadFoldsEveryWord checks that the probe's read really loads
// every byte with each load width: its result is the XOR of all 8-byte
// words, which any skipped or repeated load would change.
func TestStreamReadFoldsEveryWord(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	buf := make([]byte, 4096+520)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for _, v := range []variant{variantGeneric, variantAVX2, variantAVX512} {
		if v != variantGeneric && availableMask()&(1<<v) == 0 {
			continue
		}
		for _, n := range []int{0, 8, 120, 128, 256, 512, 520, 4096 + 512 + 8} {
			t.Run(fmt.Sprintf("%s/%d", variantNames[v], n), func(t *testing.T) {
				var want uint64
				for i := 0; i < n; i += 8 {
					want ^= binary.LittleEndian.Uint64(buf[i:])
				}
				if got := streamRead(buf[:n], 1<<v); got != want {
					t.Fatalf("streamRead = %#x, want %#x", got, want)
				}
			})
		}
	}
}
