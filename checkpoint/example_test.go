package checkpoint_test

import (
	"encoding/base64"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"

	"github.com/gibbsml/gibbs/checkpoint"
	"github.com/gibbsml/gibbs/tensor"
)

// Example saves a layer's parameters with a training run's step counter and
// RNG state in the metadata, following the package's conventions, and loads
// them back.
func Example() {
	dir, err := os.MkdirTemp("", "checkpoint")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "checkpoint.safetensors")

	g := tensor.NewRNG(7)
	rngState, err := g.MarshalBinary()
	if err != nil {
		log.Fatal(err)
	}
	params := map[string]*tensor.Tensor{
		"linear.weight": tensor.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3),
		"linear.bias":   tensor.New([]float32{0.5, -0.5}),
	}
	metadata := map[string]string{
		"format": "pt",
		"step":   strconv.Itoa(1000),
		"rng":    base64.StdEncoding.EncodeToString(rngState),
		"config": `{"hidden":3}`,
	}
	if err := checkpoint.Save(path, params, metadata); err != nil {
		log.Fatal(err)
	}

	loaded, meta, err := checkpoint.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	step, err := strconv.Atoi(meta["step"])
	if err != nil {
		log.Fatal(err)
	}
	state, err := base64.StdEncoding.DecodeString(meta["rng"])
	if err != nil {
		log.Fatal(err)
	}
	resumed := tensor.NewRNG(0)
	if err := resumed.UnmarshalBinary(state); err != nil {
		log.Fatal(err)
	}
	w := loaded["linear.weight"]
	fmt.Println("weight", w.Shape(), w.Data())
	fmt.Println("bias", loaded["linear.bias"].Data())
	fmt.Println("step", step, "config", meta["config"])
	fmt.Println("same random stream:", resumed.Uint64() == g.Uint64())
	// Output:
	// weight [2 3] [1 2 3 4 5 6]
	// bias [0.5 -0.5]
	// step 1000 config {"hidden":3}
	// same random stream: true
}
