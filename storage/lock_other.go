//go:build !unix && !windows

package storage

import (
	"errors"
	"os"
	"runtime"
)

// tryLock refuses: this system has no lock that its kernel releases when a
// process dies, and a lock that could outlive its holder, or none, would
// break the promise of one instance per database.
func tryLock(*os.File) (bool, error) {
	return false, errors.New("instance locking is not supported on " + runtime.GOOS)
}

// processRunning cannot tell on this system.
func processRunning(int) (running, known bool) { return false, false }
