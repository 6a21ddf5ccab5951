package viz

import (
	"image"
	"math"
)

// Scatter draws sets of 2-D points over box on white, with grid lines and
// labeled ticks, the Labels and, when a set has a Name, a legend in the
// top right corner. A set without a Color takes the palette color of its
// position.
type Scatter struct {
	Box  Box
	Sets []PointSet
	Labels
	Size int // width of the plot area in pixels; 0 means 480. The height follows the box's aspect.
}

// Render draws the plot.
func (s Scatter) Render() image.Image {
	w := s.Size
	if w <= 0 {
		w = 480
	}
	b := s.Box
	h := max(1, int(math.Round(float64(w)*(b.YMax-b.YMin)/(b.XMax-b.XMin))))
	full, area := axesPlot(newAxis(b.XMin, b.XMax, false), newAxis(b.YMin, b.YMax, false), w, h, s.Labels, 0)
	drawPoints(area, b, s.Sets)
	var keys []Key
	for i, set := range s.Sets {
		if set.Name != "" {
			keys = append(keys, Key{set.Name, seriesColor(set.Color, i)})
		}
	}
	area.legend(keys, 0)
	return full.img
}
