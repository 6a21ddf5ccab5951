package viz

import (
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/gibbsml/gibbs/internal/atomicfile"
)

// encoder compresses for speed: training runs redraw their pictures at
// every evaluation, and the default level's search for matches took most
// of an evaluation's time for files a fifth to a third smaller.
var encoder = png.Encoder{CompressionLevel: png.BestSpeed}

// SavePNG writes img to path as a PNG file. The file is replaced
// atomically: a reader sees the old picture or the new one, never a part.
func SavePNG(path string, img image.Image) error {
	err := atomicfile.Write(path, func(w io.Writer) error { return encoder.Encode(w, img) })
	if err != nil {
		return fmt.Errorf("viz: saving PNG: %w", err)
	}
	return nil
}
