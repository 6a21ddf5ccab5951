package viz

import (
	"image"
	"image/color"
	"testing"

	"github.com/gibbsml/gibbs/tensor"
)

func TestMatrixPlotCells(t *testing.T) {
	m := MatrixPlot{Values: tensor.New([]float32{0, 1, 0.5, 0}, 2, 2), RowLabels: []string{"a", "b"}, ColLabels: []string{"1", "2"}, Cell: 10}
	img := m.Render().(*image.RGBA)
	w, _ := textSize("a")
	left := margin + w + 4
	for _, tc := range []struct {
		i, j int
		want color.RGBA
	}{{0, 0, Viridis(0)}, {0, 1, Viridis(1)}, {1, 0, Viridis(0.5)}} {
		if got := img.RGBAAt(left+tc.j*10+5, margin+tc.i*10+5); got != tc.want {
			t.Errorf("cell (%d, %d) is %v, want %v", tc.i, tc.j, got, tc.want)
		}
	}
}

func TestTileSizes(t *testing.T) {
	plot := image.NewRGBA(image.Rect(0, 0, 100, 50))
	if b := Tile([]image.Image{plot, plot, plot}, 2).Bounds(); b.Dx() != 200 || b.Dy() != 100 {
		t.Errorf("Tile of three 100×50 in rows of 2: %v, want 200×100", b)
	}
	if b := Tile([]image.Image{plot, image.NewRGBA(image.Rect(0, 0, 80, 30))}, 1).Bounds(); b.Dx() != 100 || b.Dy() != 80 {
		t.Errorf("Tile of 100×50 and 80×30 in one column: %v, want 100×80", b)
	}
}
