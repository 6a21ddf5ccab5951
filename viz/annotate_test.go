package viz

import (
	"image"
	"testing"
)

func TestAnnotate(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 100, 60))
	cases := []struct {
		l    Labels
		w, h int
	}{
		{Labels{}, 100, 60},
		{Labels{Title: "Samples"}, 100, 86},
		{Labels{Title: "Loss", X: "epoch", Y: "loss per sample"}, 134, 112},
		{Labels{Title: "Codes", Legend: []Key{{"0", Palette(0)}, {"1", Palette(1)}}}, 100, 112},
	}
	for _, c := range cases {
		out := Annotate(img, c.l)
		if b := out.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("%+v: size %dx%d, want %dx%d", c.l, b.Dx(), b.Dy(), c.w, c.h)
		}
		if c.l.Title == "" {
			continue
		}
		dark := 0
		for y := range 26 {
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
	if _, ok := letters['A']; !ok || glyphs['e'] != [5]uint8{0, 3, 7, 4, 3} {
		t.Error("letters missing or the exponent's e replaced")
	}
}
