//go:build !unix

package cli

import "time"

// peakRSS is 0 where getrusage does not exist.
func peakRSS() int64 { return 0 }

// cpuTime is 0 where getrusage does not exist.
func cpuTime() time.Duration { return 0 }
