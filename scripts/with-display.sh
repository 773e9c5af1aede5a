#!/usr/bin/env bash
# with-display.sh runs a command with an X display: the one in DISPLAY when it
# answers, else a private Xvfb that lives as long as the command.
set -euo pipefail
if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1; then
	exec "$@"
fi
exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
