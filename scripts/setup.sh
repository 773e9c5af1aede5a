#!/usr/bin/env bash
# setup.sh installs what Hearth needs to build (`setup.sh run`) or to build and
# run every test (`setup.sh test`), and skips whatever is already there, so a
# second run takes about a second. On Debian/Ubuntu it installs the missing
# apt packages and the pinned Wails CLI; elsewhere it says what to install.
# The npm packages are installed by the Makefile (npm ci, keyed on the lock files).
set -euo pipefail

mode=${1:-run}
case "$mode" in run | test) ;; *)
	echo "usage: $0 run|test" >&2
	exit 2
	;;
esac

wails_version=v2.15.0
go_min=1.26
node_min=20.19

# Debian 12 packages: building the app (cgo, GTK, WebKitGTK 4.1) ...
apt_build=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev)
# ... and testing it: Xvfb, window tools, screenshots, Chromium for the e2e
# tests, and the X/GTK bits the native-feature tests use.
apt_test=(xvfb xauth imagemagick x11-apps x11-utils xdotool xclip chromium
	libx11-dev libxtst-dev python3-gi gir1.2-gtk-3.0)
# Packages (issue #16): desktop-file-validate, and a D-Bus session bus for
# the single-instance lock in the UI tests (dbus-run-session).
apt_test+=(desktop-file-utils dbus-daemon)
# GPU backends (issue #15): clang compiles the CUDA kernels to PTX in CI
# (no CUDA SDK), g++ (build-essential) builds their host emulator.
apt_test+=(clang)

say() { printf 'setup: %s\n' "$*"; }
missing=()

# version_ge A B: is dotted version A >= B?
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

check_go() {
	if ! command -v go >/dev/null 2>&1; then
		missing+=("Go $go_min or newer: https://go.dev/dl/ (then put its bin directory on PATH)")
		return
	fi
	local v
	v=$(go env GOVERSION | sed 's/^go//')
	version_ge "$v" "$go_min" || missing+=("Go $go_min or newer (found $v): https://go.dev/dl/")
}

check_node() {
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		missing+=("Node.js $node_min or newer with npm: $1")
		return
	fi
	local v
	v=$(node --version | sed 's/^v//')
	version_ge "$v" "$node_min" || missing+=("Node.js $node_min or newer (found $v): $1")
}

report_missing() {
	[ ${#missing[@]} -eq 0 ] && return 0
	say "install these first, then run make again:"
	printf '  - %s\n' "${missing[@]}"
	exit 1
}

# install_wails installs the pinned Wails CLI where `go install` puts it
# ($GOBIN, else $GOPATH/bin) unless that exact version is there. An explicit
# version, because @latest resolves to an old release through the module proxy.
install_wails() {
	local dir bin
	dir=$(go env GOBIN)
	bin="${dir:-$(go env GOPATH)/bin}/wails"
	if [ -x "$bin" ] && [ "$("$bin" version 2>/dev/null | head -n1)" = "$wails_version" ]; then
		return
	fi
	say "installing the Wails CLI $wails_version (about a minute the first time)"
	go install "github.com/wailsapp/wails/v2/cmd/wails@$wails_version"
}

setup_debian() {
	local want=("${apt_build[@]}")
	[ "$mode" = test ] && want+=("${apt_test[@]}")
	local need=() p
	for p in "${want[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
	done
	if [ ${#need[@]} -gt 0 ]; then
		local sudo=()
		if [ "$(id -u)" -ne 0 ]; then
			command -v sudo >/dev/null 2>&1 || {
				say "run as root, or install: apt-get install ${need[*]}"
				exit 1
			}
			sudo=(sudo)
		fi
		say "installing ${#need[@]} apt packages: ${need[*]}"
		"${sudo[@]}" apt-get update -qq
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
	fi
}

setup_linux() {
	check_go
	check_node "https://github.com/nodesource/distributions (Debian 12's own nodejs is 18, too old for Vite 7)"
	report_missing
	if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
		setup_debian
	else
		local pc
		for pc in gtk+-3.0 webkit2gtk-4.1; do
			pkg-config --exists "$pc" 2>/dev/null || missing+=("the $pc development package (e.g. webkit2gtk4.1-devel or webkit2gtk-4.1)")
		done
		command -v gcc >/dev/null 2>&1 || missing+=("a C compiler (gcc) and pkg-config")
		if [ "$mode" = test ]; then
			local c
			for c in Xvfb xdotool import chromium; do
				command -v "$c" >/dev/null 2>&1 || missing+=("$c (the tests use Xvfb, xdotool, ImageMagick and Chromium at /usr/bin/chromium)")
			done
		fi
		report_missing
	fi
	install_wails
}

setup_macos() {
	[ "$mode" = test ] && {
		say "make test needs Linux: the end-to-end tests run under Xvfb with Debian's Chromium."
		say "On macOS run the unit tests alone: make go-test vitest"
		exit 1
	}
	xcode-select -p >/dev/null 2>&1 || missing+=("the Xcode command line tools: xcode-select --install")
	check_go
	check_node "brew install node (or https://nodejs.org)"
	report_missing
	install_wails
}

setup_windows() {
	[ "$mode" = test ] && {
		say "make test needs Linux: the end-to-end tests run under Xvfb with Debian's Chromium."
		say "On Windows run the unit tests alone: make go-test vitest"
		exit 1
	}
	check_go
	check_node "winget install OpenJS.NodeJS.LTS"
	command -v gcc >/dev/null 2>&1 || missing+=("a C compiler for cgo (SQLite): MSYS2's mingw-w64-ucrt-x86_64-gcc, on PATH")
	reg query 'HKLM\SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' >/dev/null 2>&1 ||
		missing+=("the Microsoft Edge WebView2 runtime (built into Windows 11): https://developer.microsoft.com/microsoft-edge/webview2/")
	report_missing
	install_wails
}

case "$(uname -s)" in
Linux) setup_linux ;;
Darwin) setup_macos ;;
MINGW* | MSYS* | CYGWIN*) setup_windows ;;
*)
	say "unsupported OS $(uname -s): Hearth builds on Linux, macOS and Windows"
	exit 1
	;;
esac
