//go:build !race

package tensor_test

// raceDetector is set when the tests run under the race detector.
const raceDetector = false
