package cuda

import "unsafe"

// The kernels' argument structs, field for field as in kernels.cu (device
// pointers as uint64). Every kernel takes one of them by value.

type matArgs struct {
	W, X, Y                         uint64
	Stride                          int64
	Cols, Rows, N, XStride, YStride int32
	_                               int32
}

type rowArgs struct {
	X, W, Aux, Aux2 uint64
	N, Rows, HD     int32
	Eps             float32
}

type topKArgs struct {
	Logits, IDs, Weights uint64
	NX, K, Rows          int32
	_                    int32
}

type attnArgs struct {
	Q, K, V, Out, Scores                         uint64
	N, Heads, Group, HD, QD, KD, Pos, Chunk, Ctx int32
	Scale                                        float32
}

// argSizes are the struct sizes the C side must agree with (the emulation
// test checks them against sizeof).
var argSizes = map[string]uintptr{
	"MatArgs":  unsafe.Sizeof(matArgs{}),
	"RowArgs":  unsafe.Sizeof(rowArgs{}),
	"TopKArgs": unsafe.Sizeof(topKArgs{}),
	"AttnArgs": unsafe.Sizeof(attnArgs{}),
}
