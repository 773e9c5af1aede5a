#!/usr/bin/env bash
# package.sh builds the Linux packages from the release binary: a .deb
# (binary on the PATH as `hearth`, desktop entry, icons, the GGUF MIME type
# so a double-clicked model opens in Hearth, WebKitGTK 4.1 and GTK 3 as
# dependencies) and a tarball of the same tree for other distributions.
# Usage: scripts/package.sh [BINARY] [OUT_DIR]
# Output: OUT_DIR/hearth_VERSION_ARCH.deb and OUT_DIR/hearth-VERSION-linux-ARCH.tar.gz
set -euo pipefail

bin=${1:-build/bin/hearth}
out=${2:-build/package}
[ -x "$bin" ] || { echo "package: $bin is missing: run make build first" >&2; exit 1; }
version=$(sed -n 's/^const Version = "\(.*\)"/\1/p' app/app.go)
[ -n "$version" ] || { echo "package: no Version in app/app.go" >&2; exit 1; }
arch=$(dpkg --print-architecture)

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
tree=$root/hearth_${version}_${arch}
install -Dm755 "$bin" "$tree/usr/bin/hearth"
install -Dm644 build/linux/hearth.desktop "$tree/usr/share/applications/hearth.desktop"
install -Dm644 build/linux/hearth-gguf.xml "$tree/usr/share/mime/packages/hearth-gguf.xml"
for size in 48 128 256 512; do
	install -Dm644 "build/linux/icons/hearth-$size.png" "$tree/usr/share/icons/hicolor/${size}x${size}/apps/hearth.png"
done
install -Dm644 README.md "$tree/usr/share/doc/hearth/README.md"

# The tarball: the same tree, unpacked under a prefix of the user's choice.
mkdir -p "$out"
tarball=$out/hearth-$version-linux-$arch.tar.gz
tar -C "$tree" --owner=0 --group=0 -czf "$tarball" usr

# Debian's triggers (desktop-file-utils, shared-mime-info, hicolor) refresh
# the menu, the MIME database and the icon cache, so no maintainer scripts.
mkdir -p "$tree/DEBIAN"
size=$(du -sk "$tree/usr" | cut -f1)
cat >"$tree/DEBIAN/control" <<CONTROL
Package: hearth
Version: $version
Architecture: $arch
Maintainer: Hearth maintainers <maintainers@users.noreply.r-seed-4d6c9a22.example>
Installed-Size: $size
Depends: libgtk-3-0 (>= 3.24), libwebkit2gtk-4.1-0 (>= 2.40), libc6
Recommends: shared-mime-info, desktop-file-utils
Section: utils
Priority: optional
Description: local AI desktop assistant for Llama models
 Hearth chats with Llama 4 Scout and Maverick and Llama 3.x GGUF models that
 run on this computer, with no cloud. It also serves an OpenAI-compatible API
 and works as a front end to remote OpenAI-compatible engines.
CONTROL
deb=$out/hearth_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$tree" "$deb" >/dev/null
echo "package: $deb ($(du -h "$deb" | cut -f1)), $tarball ($(du -h "$tarball" | cut -f1))"
