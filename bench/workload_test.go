package bench

import (
	"math"
	"slices"
	"testing"
)

// TestWorkloadsLearn runs a few steps of each model workload on fixed data
// (one staged batch) and checks that every loss is finite and that the
// loss goes down: the mean of the last two steps is below that of the
// first two. For gan and dcgan the loss is the discriminator's.
func TestWorkloadsLearn(t *testing.T) {
	steps := map[string]int{"mlp_ae": 8, "vae": 8, "gan": 8, "transformer": 8, "convnet": 4, "ebm2d": 8,
		"dcgan": 4, "conv_ae": 4, "transformer_reverse": 8, "ebm_image": 4}
	d := RandomData(1, 7)
	for _, w := range Workloads() {
		if w.Name == "sgemm" {
			continue
		}
		t.Run(w.Name, func(t *testing.T) {
			c := w.Setup(d)
			n := steps[w.Name]
			losses := make([]float64, n)
			for i := range losses {
				losses[i] = float64(c.Step())
				if math.IsNaN(losses[i]) || math.IsInf(losses[i], 0) {
					t.Fatalf("step %d: loss %v", i, losses[i])
				}
			}
			first, last := (losses[0]+losses[1])/2, (losses[n-2]+losses[n-1])/2
			if !(last < first) {
				t.Errorf("loss did not go down: first steps %.4g, last steps %.4g (%.4g)", first, last, losses)
			}
		})
	}
}

// TestSgemmCases checks one product of every sgemm size against float64.
func TestSgemmCases(t *testing.T) {
	for _, n := range sgemmSizes {
		c := sgemmCase(n)
		c.Step()
		r, err := c.Finish(1)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if e, _ := r.Get("max_rel_err"); !(e.(float64) < 1e-5) {
			t.Errorf("n=%d: relative error %v, want below 1e-5", n, e)
		}
	}
}

func TestSelect(t *testing.T) {
	tests := []struct {
		names   []string
		want    []string // names of the selected workloads
		wantErr bool
	}{
		{nil, []string{"sgemm", "sgemm", "sgemm", "sgemm", "sgemm", "mlp_ae", "vae", "gan", "transformer", "convnet", "ebm2d",
			"dcgan", "conv_ae", "transformer_reverse", "ebm_image"}, false},
		{[]string{"transformer_reverse", "dcgan"}, []string{"transformer_reverse", "dcgan"}, false},
		{[]string{"ebm_image"}, []string{"ebm_image"}, false},
		{[]string{"vae", "mlp_ae"}, []string{"vae", "mlp_ae"}, false},
		{[]string{"sgemm"}, []string{"sgemm", "sgemm", "sgemm", "sgemm", "sgemm"}, false},
		{[]string{"mlp_ae", "nope"}, nil, true},
		{[]string{"transformer_nn"}, nil, true},
	}
	for _, tc := range tests {
		ws, err := Select(tc.names)
		if (err != nil) != tc.wantErr {
			t.Errorf("Select(%q): error %v, want error %v", tc.names, err, tc.wantErr)
			continue
		}
		var got []string
		for _, w := range ws {
			got = append(got, w.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Select(%q) = %q, want %q", tc.names, got, tc.want)
		}
	}
}

func TestLoadData(t *testing.T) {
	if _, err := LoadData("mnist"); err == nil {
		t.Error("LoadData(\"mnist\"): no error")
	}
	d, err := LoadData(SourceRandom)
	if err != nil {
		t.Fatal(err)
	}
	if d.Source != SourceRandom || len(d.Batches) != Staged {
		t.Fatalf("got source %q with %d batches, want %q with %d", d.Source, len(d.Batches), SourceRandom, Staged)
	}
	for _, b := range d.Batches {
		if !slices.Equal(b.X.Shape(), []int{BatchSize, 784}) || !slices.Equal(b.Y.Shape(), []int{BatchSize}) {
			t.Fatalf("batch shapes %v and %v", b.X.Shape(), b.Y.Shape())
		}
		if lo, hi := slices.Min(b.X.Data()), slices.Max(b.X.Data()); lo < 0 || hi > 1 {
			t.Fatalf("pixels in [%v, %v], want [0, 1]", lo, hi)
		}
		for _, y := range b.Y.Data() {
			if y != float32(int(y)) || y < 0 || y > 9 {
				t.Fatalf("label %v is not a class in 0..9", y)
			}
		}
	}
}
