package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/gibbsml/gibbs/tensor"
)

// MatrixPlot draws a matrix, such as attention weights (queries by keys),
// as a grid of viridis cells with a label per row down the left and per
// column along the bottom.
type MatrixPlot struct {
	Values               *tensor.Tensor // [rows, cols]
	RowLabels, ColLabels []string       // nil: none; otherwise one per row or column
	Cell                 int            // side of a cell in pixels; 0 means 16
	// Lo and Hi are the values of the colormap's ends; when both are 0
	// they are the matrix's smallest and largest values.
	Lo, Hi float64
}

// Render draws the matrix. It panics if Values is not 2-D or the labels
// do not match its size.
func (p MatrixPlot) Render() image.Image {
	if p.Values.Dim() != 2 {
		panic(fmt.Sprintf("viz: MatrixPlot: values of shape %v, want [rows, cols]", p.Values.Shape()))
	}
	rows, cols := p.Values.Size(0), p.Values.Size(1)
	if (p.RowLabels != nil && len(p.RowLabels) != rows) || (p.ColLabels != nil && len(p.ColLabels) != cols) {
		panic(fmt.Sprintf("viz: MatrixPlot: %d row and %d column labels for a %d×%d matrix", len(p.RowLabels), len(p.ColLabels), rows, cols))
	}
	cell := p.Cell
	if cell <= 0 {
		cell = 16
	}
	vals := p.Values.Data()
	lo, hi := p.Lo, p.Hi
	if lo == 0 && hi == 0 {
		lo, hi = math.Inf(1), math.Inf(-1)
		for _, v := range vals {
			lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
		}
	}
	_, th := textSize("0")
	labelW := 0
	for _, s := range p.RowLabels {
		w, _ := textSize(s)
		labelW = max(labelW, w)
	}
	left := margin + labelW + 4
	bottom := 4 + th + margin
	if p.ColLabels == nil {
		bottom = margin
	}
	c := newCanvas(left+cols*cell+margin, margin+rows*cell+bottom, color.White)
	for i := range rows {
		for j := range cols {
			t := 0.5
			if hi > lo {
				t = (float64(vals[i*cols+j]) - lo) / (hi - lo)
			}
			x, y := left+j*cell, margin+i*cell
			c.fill(image.Rect(x, y, x+cell, y+cell), Viridis(math.Max(0, math.Min(1, t))))
		}
		if p.RowLabels != nil {
			w, _ := textSize(p.RowLabels[i])
			c.text(left-4-w, margin+i*cell+(cell-th)/2, p.RowLabels[i], axisColor)
		}
	}
	for j, s := range p.ColLabels {
		w, _ := textSize(s)
		c.text(left+j*cell+(cell-w)/2, margin+rows*cell+4, s, axisColor)
	}
	c.frame(image.Rect(left, margin, left+cols*cell, margin+rows*cell))
	return c.img
}
