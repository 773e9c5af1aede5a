#!/usr/bin/env bash
# package-test.sh checks the Linux packages as a user gets them: it builds the
# .deb and the tarball from the release binary, unpacks the .deb into a clean
# tree with dpkg -x, validates the desktop entry and checks the declared
# dependencies and files, starts the installed binary under X (Xvfb unless
# DISPLAY answers), screenshots it, and launches it a second time with a
# .gguf: the second copy must hand the file to the running window and exit,
# and the model must then be in the running app's model list.
# Output: test-output/package/ (the packages, installed-window.png, logs).
set -euo pipefail

bin=${1:-build/bin/hearth}
out=test-output/package
model=${HEARTH_PACKAGE_MODEL:-../shared/fixtures/models/tiny-llama4-scout-f32.gguf}
if [ -z "${PACKAGE_UNDER_X:-}" ]; then
	export PACKAGE_UNDER_X=1
	exec "$(dirname "$0")/with-display.sh" "$0" "$@"
fi

fail() {
	echo "package-test: FAIL: $*" >&2
	exit 1
}
say() { echo "package-test: $*"; }
# wait_for CMD...: run CMD every half second until it succeeds, for at most
# 120 s (a hang guard: a cold machine takes seconds).
wait_for() {
	for _ in $(seq 1 240); do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}

rm -rf "$out"
mkdir -p "$out"
scripts/package.sh "$bin" "$out/dist"
deb=$(ls "$out"/dist/hearth_*.deb)
tarball=$(ls "$out"/dist/hearth-*.tar.gz)

# The control file declares what the binary links against.
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libgtk-3-0 libwebkit2gtk-4.1-0; do
	[[ $depends == *"$dep"* ]] || fail "Depends lacks $dep: $depends"
done
say "Depends: $depends"

root=$(mktemp -d)
data=$(mktemp -d)
pids=()
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	rm -rf "$root" "$data"
}
trap cleanup EXIT
dpkg -x "$deb" "$root"
for f in usr/bin/hearth usr/share/applications/hearth.desktop usr/share/mime/packages/hearth-gguf.xml \
	usr/share/icons/hicolor/256x256/apps/hearth.png usr/share/icons/hicolor/48x48/apps/hearth.png; do
	[ -e "$root/$f" ] || fail "the .deb has no $f"
done
desktop=$root/usr/share/applications/hearth.desktop
desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $desktop"
grep -qx 'MimeType=application/x-gguf;' "$desktop" || fail "the desktop entry does not claim .gguf files"
grep -qx 'Exec=hearth %F' "$desktop" || fail "the desktop entry does not pass the opened files"
grep -q 'pattern="\*.gguf"' "$root/usr/share/mime/packages/hearth-gguf.xml" || fail "the MIME type has no *.gguf glob"
# The tarball holds the same tree.
diff <(tar -tzf "$tarball" | grep -v '/$' | sort) <(cd "$root" && find usr -type f | sort) >/dev/null ||
	fail "the tarball and the .deb hold different files"
say "$deb unpacks, its desktop entry validates; $tarball matches it"

installed=$root/usr/bin/hearth
[ -f "$model" ] || fail "$model is missing (the fixtures beside the clone)"
model=$(realpath "$model")

# First launch. The timeouts only stop a hang; nothing passes on speed.
start=$(date +%s%3N)
HEARTH_DATA_DIR=$data "$installed" >"$out/first.log" 2>&1 &
pids+=($!)
first=$!
wid=$(timeout 180 xdotool search --sync --onlyvisible --name '^Hearth$' | head -n1) ||
	fail "no visible Hearth window within 180 s (log: $out/first.log)"
mapped=$(($(date +%s%3N) - start))
shot=$out/installed-window.png
colours=0
for _ in $(seq 1 360); do
	import -window "$wid" "$shot"
	colours=$(/usr/bin/convert "$shot" -format '%k' info:)
	[ "$colours" -ge 200 ] && break
	sleep 0.5
done
[ "$colours" -ge 200 ] || fail "the installed app's window looks blank ($colours colours)"
wait_for grep -q 'window ready' "$out/first.log" || fail "the app never said its page was ready"
say "cold start: window mapped after $mapped ms; $(grep -o 'window ready [0-9]* ms after start' "$out/first.log"); painted in the screenshot after $(($(date +%s%3N) - start)) ms; $shot"

# Second launch with a model: it hands the file over and exits.
code=0
HEARTH_DATA_DIR=$data timeout 120 "$installed" "$model" >"$out/second.log" 2>&1 || code=$?
[ "$code" -ne 124 ] || fail "the second launch still ran after 120 s: it did not hand over (log: $out/second.log)"
wait_for grep -q 'a second launch handed over 1 file' "$out/first.log" ||
	fail "the running window did not receive the file (log: $out/first.log)"
[ "$(xdotool search --onlyvisible --name '^Hearth$' | wc -l)" -eq 1 ] || fail "a second window opened"
# The page adds the handed-over model to the list, as for a drop.
model_listed() {
	[ "$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from models where path = ?", (sys.argv[2],)).fetchone()[0])' "$data/hearth.db" "$model" 2>/dev/null)" = 1 ]
}
wait_for model_listed || fail "the handed-over model is not in the running app's list"
import -window "$wid" "$out/handed-over.png"
say "a second launch (exit $code) handed $model to the running window, which added it; $out/handed-over.png"

kill -TERM "$first"
timeout 120 tail --pid="$first" -f /dev/null || fail "the app still ran 120 s after SIGTERM"
say "passed"
