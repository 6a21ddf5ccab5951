package viz

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSavePNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plot.png")
	for _, size := range []int{7, 13} { // the second write replaces the first
		img := image.NewRGBA(image.Rect(0, 0, size, 5))
		img.Set(2, 3, color.RGBA{10, 20, 30, 255})
		if err := SavePNG(path, img); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		if got.Bounds() != img.Bounds() || !near(got.At(2, 3), color.RGBA{10, 20, 30, 255}, 0) {
			t.Errorf("read back %v with pixel %v", got.Bounds(), got.At(2, 3))
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the PNG (no temporary files)", len(entries))
	}
	bad := filepath.Join(dir, "missing", "plot.png")
	if err := SavePNG(bad, image.NewRGBA(image.Rect(0, 0, 1, 1))); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("error %v, want one naming %s", err, bad)
	}
}
