//go:build race

package main

// raceEnabled says the tests were built with -race; the end-to-end binary
// is then built with it too, so it shares the tests' build cache and its
// races fail the test.
const raceEnabled = true
