//go:build race

package tensor_test

// raceDetector is set when the tests run under the race detector, whose
// sync.Pool drops buffers at random: allocation counts mean nothing there.
const raceDetector = true
