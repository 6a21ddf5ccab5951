package bench_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/gibbsml/gibbs/bench"
)

// Time one workload briefly and read its record, the line that 'gibbs
// bench' prints for it.
func ExampleTime() {
	ws, err := bench.Select([]string{"mlp_ae"})
	if err != nil {
		panic(err)
	}
	cfg := bench.Config{MinTime: 10 * time.Millisecond, Repeats: 1}
	r, err := bench.Time(ws[0], bench.RandomData(2, 0), cfg)
	if err != nil {
		panic(err)
	}
	var keys []string
	for _, f := range r {
		keys = append(keys, f.Key)
	}
	fmt.Println(strings.Join(keys, " "))
	unit, _ := r.Get("unit")
	fmt.Println("unit:", unit)
	// Output:
	// bench value unit median_ms_per_call best worst spread_pct repeats inner allocs_per_call bytes_per_call model batch params
	// unit: samples/s
}
