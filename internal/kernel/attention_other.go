//go:build !amd64

package kernel

// headProduct takes no product where there is no assembly for it.
func headProduct(*gemmKernel, int, int, int, float32, []float32, int, int, []float32, int, int, []float32, int, []float32) bool {
	return false
}
