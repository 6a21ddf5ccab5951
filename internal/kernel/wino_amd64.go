package kernel

// The transforms of wino.go's matrices in AVX-512, by winoMatrix.id.
var winoAsm = [...]func(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32){
	winoBTAVX512, winoBAVX512, winoATAVX512, winoAAVX512, winoGAVX512, winoGTAVX512,
}

// winoTileAVX512 is winoTransform in AVX-512, on tiles whose slices are
// checked to hold every vector it reads and writes.
func winoTileAVX512(t winoMatrix, in, out winoTile, lanes int) {
	_ = in.s[(t.cols-1)*(in.rs+in.cs)+lanes-1]
	_ = out.s[(t.rows-1)*(out.rs+out.cs)+lanes-1]
	winoAsm[t.id](lanes, &in.s[0], in.rs, in.cs, &out.s[0], out.rs, out.cs, &t.pad[0])
}

//go:noescape
func winoBTAVX512(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32)

//go:noescape
func winoBAVX512(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32)

//go:noescape
func winoATAVX512(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32)

//go:noescape
func winoAAVX512(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32)

//go:noescape
func winoGAVX512(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32)

//go:noescape
func winoGTAVX512(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32)
