#!/usr/bin/env bash
# with-display.sh runs a command with an X display: the one in DISPLAY when it
# answers, else a private Xvfb that lives as long as the command; and with a
# D-Bus session bus (the single-instance lock lives on it), a private one when
# none is set.
set -euo pipefail
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && command -v dbus-run-session >/dev/null 2>&1; then
	exec dbus-run-session -- "$0" "$@"
fi
if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1; then
	exec "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
