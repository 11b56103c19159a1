//go:build !race

package main

// raceEnabled says the tests were built with -race; see race_test.go.
const raceEnabled = false
