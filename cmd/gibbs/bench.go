package main

import "io"

// runBench is 'gibbs bench'.
func runBench(args []string, out io.Writer) error {
	return usagef("bench is not built yet")
}
