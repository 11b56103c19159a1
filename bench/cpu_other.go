//go:build !unix

package bench

import (
	"errors"
	"time"
)

// cpuTime is not measured where getrusage is missing.
func cpuTime() (time.Duration, error) {
	return 0, errors.New("cpu time: getrusage is not available on this system")
}
