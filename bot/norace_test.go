//go:build !race

package bot_test

// raceEnabled says the tests were built with -race; see race_test.go.
const raceEnabled = false
