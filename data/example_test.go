package data_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
)

func ExampleToy() {
	x, err := data.Toy("ring8", 256, tensor.NewRNG(1))
	if err != nil {
		panic(err)
	}
	logp, _ := data.ToyDensity("ring8")
	modes, std, _ := data.ToyModes("ring8")
	fmt.Println(x.Shape(), len(modes), std)
	fmt.Printf("log-density at a mode: %.3f\n", logp(modes[0][0], modes[0][1]))

	loader, err := data.NewLoader(x, nil, data.LoaderOptions{BatchSize: 100, Shuffle: true, RNG: tensor.NewRNG(2)})
	if err != nil {
		panic(err)
	}
	for b := range loader.Epoch(0) {
		fmt.Println(b.Step, b.X.Shape())
	}
	// Output:
	// [256 2] 8 0.1
	// log-density at a mode: 0.688
	// 0 [100 2]
	// 1 [100 2]
	// 2 [56 2]
}

func ExampleOpen() {
	train, err := data.Open("moons", data.Train)
	if err != nil {
		panic(err)
	}
	test, _ := data.Open("moons", data.Test)
	fmt.Println(train.X.Shape(), test.X.Shape(), train.Shape, train.Classes)

	// A CSV file: a header column named label holds the classes.
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "points.csv")
	os.WriteFile(path, []byte("x,y,label\n0.5,1,0\n2,-1,1\n3,0,2\n"), 0o644)
	points, err := data.Open(path, data.Train)
	if err != nil {
		panic(err)
	}
	fmt.Println(points.X.Shape(), points.Shape, points.Labels, points.Classes)

	// Errors name the file and line at fault.
	os.WriteFile(path, []byte("x,y,label\n0.5,1,0\n2,-1,1.5\n"), 0o644)
	_, err = data.Open(path, data.Train)
	fmt.Println(strings.Replace(err.Error(), dir, "DIR", 1))
	// Output:
	// [20000 2] [5000 2] [2] 0
	// [3 2] [2] [0 1 2] 3
	// data: DIR/points.csv line 3, column 3 (label): label "1.5" is not a whole number from 0 to 65535
}
