package app

import (
	"runtime"

	"github.com/godbus/dbus/v5"
)

// singleInstanceProblem says why the single-instance lock cannot work
// here, "" when it can. On Linux, Wails takes the lock as a name on the
// D-Bus session bus and, without one, quietly lets a second copy run; so
// Hearth checks the bus itself and shows the feature as off instead.
func singleInstanceProblem() string {
	if runtime.GOOS != "linux" {
		return ""
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return "no D-Bus session bus, so opening a file while Hearth runs starts a second window: " + err.Error()
	}
	conn.Close()
	return ""
}
