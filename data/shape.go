package data

// IsImage reports whether shape, the shape of one sample (Set.Shape), is
// that of an image: [C, H, W].
func IsImage(shape []int) bool { return len(shape) == 3 }

// Features returns the number of values in one sample of the given shape:
// the width of the rows of Set.X.
func Features(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
