#!/usr/bin/env bash
# gpu-check.sh: the one script a session lent a GPU machine runs (issue #15),
# in about 10 minutes. It needs the NVIDIA driver and libnvrtc on the machine,
# no CUDA SDK. Results go to $OUT (or /tmp/hearth-gpu-check):
#   nvidia-smi.txt      the device
#   cuda-tests.txt      kernel tests on the GPU: CPU-vs-GPU on every kernel,
#                       llama.cpp dequant goldens, NVRTC cache, failure reports
#                       (HEARTH_REQUIRE_GPU=1: a GPU that does not open fails)
#   engine-tests.txt    the engine's llama.cpp goldens with --backend cuda
#                       (the forward pass is still the CPU's: the run must say so)
#   bench-*.txt/json    hearth bench on the synthetic Llama 3.2 1B shape and
#                       Llama 4 mini, with the placement on this GPU
#   plan-scout.txt      the placement tests on Scout 17B-16E shapes (fake device sizes)
#   model-info-mini.txt the placement of Llama 4 mini on this GPU
# Every step has its own timeout so one hang cannot eat the whole budget.
set -u
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/hearth-gpu-check}
mkdir -p "$out"
export HEARTH_BENCH_DIR=${HEARTH_BENCH_DIR:-/tmp/hearth-bench}
status=0
step() { # step NAME SECONDS CMD...: run CMD, log to $out/NAME, remember failures
	local name=$1 secs=$2
	shift 2
	echo "== $name"
	if ! timeout "$secs" "$@" >"$out/$name" 2>&1; then
		echo "   FAILED (see $out/$name)"
		status=1
	fi
	tail -n 5 "$out/$name"
}

step nvidia-smi.txt 20 nvidia-smi
step cuda-tests.txt 240 env HEARTH_REQUIRE_GPU=1 go test -count=1 -v ./engine/backend/...
step engine-tests.txt 150 go test -tags sqlite_fts5 -count=1 -run 'Conformance|Golden|Backend|PlanFor' ./engine/
step build.txt 120 go build -tags sqlite_fts5 -o "$out/hearth" .
for m in llama3-1b-q4_k_m llama4-mini-q4_k_m; do
	step "bench-$m.txt" 120 "$out/hearth" bench --synthetic "$m" --backend cuda -p 256 -n 64 -r 2
done
step plan-scout.txt 60 go test -count=1 -v -run 'TestPlanScout' ./engine/backend/
step model-info-mini.txt 30 "$out/hearth" model info --backend cuda --ctx 8192 "$HEARTH_BENCH_DIR/llama4-mini-q4_k_m.gguf"
echo "== done: status $status, results in $out"
exit $status
