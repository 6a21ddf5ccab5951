package attention_test

import (
	"fmt"

	"github.com/gibbsml/gibbs/attention"
	"github.com/gibbsml/gibbs/tensor"
)

// The worked example of the NYU Deep Learning course: four keys, one of them
// repeated, with their values. A query matching one key retrieves its value;
// a query matching the repeated key gets the mean of its two values; a query
// halfway between two keys gets the mean of theirs. The scores are scaled by
// 1/sqrt(d), d = 3, as in the course.
func ExampleSoft() {
	keys := tensor.New([]float32{
		10, 0, 0,
		0, 10, 0,
		0, 0, 10,
		0, 0, 10,
	}, 4, 3)
	values := tensor.New([]float32{
		1, 0, 0,
		10, 0, 0,
		100, 5, 0,
		1000, 6, 0,
	}, 4, 3)
	queries := tensor.New([]float32{
		0, 10, 0,
		0, 0, 10,
		10, 10, 0,
	}, 3, 3)
	c, a := attention.Soft(queries, keys, values, attention.Scaled(3))
	for i := range 3 {
		fmt.Printf("query %v -> weights %.2f -> %.1f\n", queries.Data()[3*i:3*i+3], a.Data()[4*i:4*i+4], c.Data()[3*i:3*i+3])
	}
	// Output:
	// query [0 10 0] -> weights [0.00 1.00 0.00 0.00] -> [10.0 0.0 0.0]
	// query [0 0 10] -> weights [0.00 0.00 0.50 0.50] -> [550.0 5.5 0.0]
	// query [10 10 0] -> weights [0.50 0.50 0.00 0.00] -> [5.5 0.0 0.0]
}
