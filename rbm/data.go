package rbm

import (
	"fmt"
	"math"

	"github.com/gibbsml/gibbs/data"
	"github.com/gibbsml/gibbs/tensor"
)

// The binarisations of Config.Binarize.
const (
	// BinarizeSample sets each value x in [0, 1] to 1 with probability x,
	// once, as Salakhutdinov & Murray (2008) binarise MNIST. The draws
	// come from a hash of the position, so other programs reproduce the
	// same bits (see Binarize).
	BinarizeSample = "sample"
	// BinarizeThreshold sets the values above 0.5 to 1, the others to 0.
	BinarizeThreshold = "threshold"
)

// The streams of BinarizeSample's draws for the two splits.
const (
	trainStream = 1
	testStream  = 2
)

// Binarize returns the rows of x ([N, D], values in [0, 1]) made binary by
// method. BinarizeSample reads each value as a byte q = round(255 x) and
// sets it to 1 when splitmix64(stream << 32 | i) mod 255 < q, i the
// value's position in x: a fixed draw that is 1 with probability q/255
// (exactly x for 8-bit images), and that scripts/rbm_sklearn.py
// reproduces bit for bit.
func Binarize(x *tensor.Tensor, method string, stream uint64) (*tensor.Tensor, error) {
	vals := x.Values()
	out := make([]float32, len(vals))
	for i, v := range vals {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("rbm: binarising needs values in [0, 1], and value %d of row %d is %v", i%x.Size(1), i/x.Size(1), v)
		}
		switch method {
		case BinarizeSample:
			q := uint64(math.Round(float64(v) * 255))
			if splitmix64(stream<<32|uint64(i))%255 < q {
				out[i] = 1
			}
		case BinarizeThreshold:
			if v > 0.5 {
				out[i] = 1
			}
		default:
			return nil, fmt.Errorf("rbm: unknown binarisation %q", method)
		}
	}
	return tensor.New(out, x.Shape()...), nil
}

// splitmix64 is Steele, Lea & Flood's SplitMix64 output function of x.
func splitmix64(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// openData opens the config's data (or takes the sets given), keeps the
// first TrainSize training samples and binarises both splits.
func openData(c Config, trainSet, testSet *data.Set) (*data.Set, *data.Set, error) {
	trainSet, err := data.OpenUnlessGiven(trainSet, c.Data, data.Train)
	if err != nil {
		return nil, nil, err
	}
	if testSet, err = data.OpenUnlessGiven(testSet, c.Data, data.Test); err != nil {
		return nil, nil, err
	}
	binary := func(s *data.Set, split data.Split, stream uint64, n int) (*data.Set, error) {
		b := *s
		x, err := Binarize(s.X.Narrow(0, 0, n), c.Binarize, stream)
		if err != nil {
			return nil, fmt.Errorf("%s, %v split: %w", s.Name, split, err)
		}
		b.X = x
		if b.Labels != nil {
			b.Labels = b.Labels[:n]
		}
		return &b, nil
	}
	n := trainSet.X.Size(0)
	if c.TrainSize > 0 {
		n = min(n, c.TrainSize)
	}
	if trainSet, err = binary(trainSet, data.Train, trainStream, n); err != nil {
		return nil, nil, err
	}
	if testSet, err = binary(testSet, data.Test, testStream, testSet.X.Size(0)); err != nil {
		return nil, nil, err
	}
	return trainSet, testSet, nil
}
