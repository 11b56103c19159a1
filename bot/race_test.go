//go:build race

package bot_test

// raceEnabled says the tests were built with -race. The exhaustive digest
// sweep then covers its smallest house only: it runs on one goroutine, so
// the race detector adds nothing to it but a tenfold slowdown, and the
// plain run covers every house size.
const raceEnabled = true
