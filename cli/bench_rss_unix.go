//go:build unix

package cli

import (
	"runtime"
	"syscall"
	"time"
)

// peakRSS returns the process's peak resident set in bytes (getrusage
// maxrss: KiB on Linux and the BSDs, bytes on macOS).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}

// cpuTime returns the user plus system CPU time of all the process's
// threads so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
