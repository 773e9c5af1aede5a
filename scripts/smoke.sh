#!/usr/bin/env bash
# smoke.sh is the desktop smoke test. It starts the release binary under X
# (Xvfb unless DISPLAY answers) twice, once with the light and once with the
# dark GTK theme, and each time waits for the Hearth window to be mapped,
# screenshots it, checks that the page painted in the theme the OS asked for,
# and checks that SIGTERM ends the app with status 0.
# Output: test-output/smoke/window-{light,dark}.png and app-*.log.
set -euo pipefail

bin=${1:-build/bin/hearth}
out=test-output/smoke
if [ -z "${SMOKE_UNDER_X:-}" ]; then
	export SMOKE_UNDER_X=1
	exec "$(dirname "$0")/with-display.sh" "$0" "$@"
fi

fail() {
	echo "smoke: FAIL: $*" >&2
	exit 1
}

# magick prints an ImageMagick property of a screenshot. /usr/bin/convert:
# some machines put a different convert first on PATH.
magick() { /usr/bin/convert "$1" -format "$2" info:; }

# smoke_theme THEME GTK_THEME MIN_BRIGHTNESS MAX_BRIGHTNESS
smoke_theme() {
	local theme=$1 gtk_theme=$2 lo=$3 hi=$4
	local shot=$out/window-$theme.png log=$out/app-$theme.log
	local data pid wid start colours brightness code=0
	rm -f "$shot"
	data=$(mktemp -d)
	start=$(date +%s%3N)
	GTK_THEME=$gtk_theme HEARTH_DATA_DIR=$data "$bin" >"$log" 2>&1 &
	pid=$!
	# shellcheck disable=SC2064 # expand now: pid and data are this run's
	trap "kill -KILL $pid 2>/dev/null || true; rm -rf '$data'" EXIT

	# --onlyvisible: the app also owns a hidden 10x10 window with the same name.
	# The timeouts in this script only stop a hang (a cold 2-core CI machine
	# takes seconds, not minutes); nothing passes or fails on speed.
	wid=$(timeout 180 xdotool search --sync --onlyvisible --name '^Hearth$' | head -n1) ||
		fail "$theme: no visible window named Hearth within 180 s (log: $log)"
	echo "smoke: $theme: window $wid mapped $(($(date +%s%3N) - start)) ms after start"

	# The page renders a moment after the window maps; wait until the shot
	# shows more than a flat background (a blank page has a few colours).
	colours=0
	for _ in $(seq 1 360); do
		sleep 0.5
		import -window "$wid" "$shot"
		colours=$(magick "$shot" '%k')
		[ "$colours" -ge 200 ] && break
	done
	[ "$colours" -ge 200 ] || fail "$theme: window looks blank: $colours colours in $shot"
	brightness=$(magick "$shot" '%[fx:int(100*mean)]')
	[ "$brightness" -ge "$lo" ] && [ "$brightness" -le "$hi" ] ||
		fail "$theme: mean brightness $brightness% in $shot, want $lo-$hi% for the $theme theme"
	echo "smoke: $theme: $shot ($(magick "$shot" '%wx%h'), $colours colours, brightness $brightness%)"

	kill -TERM "$pid"
	timeout 120 tail --pid="$pid" -f /dev/null || fail "$theme: app still running 120 s after SIGTERM"
	wait "$pid" || code=$?
	[ "$code" -eq 0 ] || fail "$theme: app exited with status $code after SIGTERM (log: $log)"
	echo "smoke: $theme: app exited cleanly on SIGTERM"
	rm -rf "$data"
	trap - EXIT
}

[ -x "$bin" ] || fail "$bin is missing; run make build"
mkdir -p "$out"
smoke_theme light Adwaita 80 100
smoke_theme dark Adwaita:dark 0 25
