package kernel

//go:noescape
func winoTileAVX512(lanes int, in *float32, irs, ics int, out *float32, ors, ocs int, t *float32)

// winoTileAVX512Checked is winoTileAVX512 on 5x5 tiles whose slices are
// checked to hold every vector it reads and writes.
func winoTileAVX512Checked(t *[25]float32, in, out winoTile, lanes int) {
	_ = in.s[4*(in.rs+in.cs)+lanes-1]
	_ = out.s[4*(out.rs+out.cs)+lanes-1]
	winoTileAVX512(lanes, &in.s[0], in.rs, in.cs, &out.s[0], out.rs, out.cs, &t[0])
}
