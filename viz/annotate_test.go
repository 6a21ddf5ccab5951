package viz

import (
	"image"
	"testing"
)

// Annotate makes room for each label it is given and none for the others,
// and draws ink where the title goes.
func TestAnnotate(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 100, 60))
	line := fontHeight + labelGap
	cases := []struct {
		l      Labels
		legend []Key
		w, h   int
	}{
		{Labels{}, nil, 100 + 2*margin, 60 + 2*margin},
		{Labels{Title: "Samples"}, nil, 100 + 2*margin, 60 + 2*margin + line},
		{Labels{Title: "Loss", XLabel: "epoch", YLabel: "loss per sample"}, nil, 100 + 2*margin + line, 60 + 2*margin + 2*line},
		{Labels{Title: "Codes"}, []Key{{"0", Palette(0)}, {"1", Palette(1)}}, 100 + 2*margin, 60 + 2*margin + 2*line},
	}
	for _, c := range cases {
		out := Annotate(img, c.l, c.legend...)
		if b := out.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("%+v: size %dx%d, want %dx%d", c.l, b.Dx(), b.Dy(), c.w, c.h)
		}
		if c.l.Title == "" {
			continue
		}
		dark := 0
		for y := range margin + fontHeight {
			for x := range out.Bounds().Dx() {
				if r, _, _, _ := out.At(x, y).RGBA(); r < 0x8000 {
					dark++
				}
			}
		}
		if dark == 0 {
			t.Errorf("%+v: no title drawn", c.l)
		}
	}
}
