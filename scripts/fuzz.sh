#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target in the tree for FUZZTIME each (default
# 2000x: a count of inputs, which unlike a duration cannot hit Go 1.26's
# fuzztime race, go.dev/issue/75804).
# Targets are found by name (func FuzzXxx in *_test.go), so new ones join in
# without editing anything. Usage: scripts/fuzz.sh [FUZZTIME] [go test flags...]
set -euo pipefail

fuzztime=${1:-2000x}
shift || true

targets=()
while IFS= read -r file; do
	dir=./$(dirname "${file#./}")
	while IFS= read -r name; do
		targets+=("$dir $name")
	done < <(grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //')
done < <(grep -rlE --include='*_test.go' --exclude-dir=node_modules --exclude-dir=.git \
	--exclude-dir=testdata '^func Fuzz[A-Za-z0-9_]+\(' . | sort)

if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no fuzz targets found"
	exit 0
fi
echo "fuzz: ${#targets[@]} targets, $fuzztime each"
for t in "${targets[@]}"; do
	read -r dir name <<<"$t"
	echo "fuzz: $name in $dir"
	go test "$@" -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" "$dir"
done
echo "fuzz: all ${#targets[@]} targets passed"
