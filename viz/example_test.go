package viz_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
	"github.com/gibbsml/gibbs/viz"
)

// An energy landscape: the exact energy −log p of the 8-Gaussian ring, its
// training points in white and a few "samples" in red.
func ExampleEnergyPlot() {
	rng := tensor.NewRNG(1)
	x, _ := data.Toy("ring8", 500, rng)
	samples, _ := data.Toy("ring8", 50, rng)
	logp, _ := data.ToyDensity("ring8")
	box, _ := data.Bounds("ring8")

	energy := func(xs *tensor.Tensor) *tensor.Tensor {
		out := tensor.Zeros(xs.Size(0))
		for i := range out.Len() {
			out.Data()[i] = float32(-logp(float64(xs.At(i, 0)), float64(xs.At(i, 1))))
		}
		return out
	}
	img := viz.EnergyPlot{
		Field:    viz.EvalGrid(viz.Box(box), 128, energy),
		Scale:    viz.ColorScale{High: 98, Log: true},
		Points:   []viz.PointSet{viz.DataPoints(x), viz.SamplePoints(samples)},
		Labels:   viz.Labels{Title: "ring8: exact energy", XLabel: "x", YLabel: "y"},
		Size:     256,
		ColorBar: true,
		BarLabel: "energy",
	}.Render()

	dir, _ := os.MkdirTemp("", "viz")
	defer os.RemoveAll(dir)
	if err := viz.SavePNG(filepath.Join(dir, "energy.png"), img); err != nil {
		panic(err)
	}
	fmt.Println(img.Bounds().Dy())
	// Output: 322
}
