#!/usr/bin/env bash
# GPU benchmark of the inference path: providers, batched fps per batch size, the seed's workload time.
#
#   bash bench/gpu.sh [MODEL.onnx ...]        on a machine with an NVIDIA GPU (yolov5n-dynamic + any models given)
#   bash bench/gpu.sh --cpu [MODEL.onnx ...]  a tiny CPU run (batch 1 and 4, few frames) to check the script
#
# Needs: npm ci, node_modules/onnxruntime-node with the CUDA/TensorRT provider libraries for the GPU run
# (the GPU image has them; see docs/deploying.md), ffmpeg, ../shared (or TALLY_SHARED_DIR).
# Environment: BENCH_JOBS, BENCH_FRAMES, BENCH_BATCHES, BENCH_DECODE_STREAMS, BENCH_HWACCEL (e.g. cuda),
# BENCH_JSON_DIR (one JSON result per model written there).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
shared=${TALLY_SHARED_DIR:-$root/../shared}
export TALLY_SHARED_DIR=$shared

mode=gpu
models=()
for arg in "$@"; do
  case $arg in
    --cpu) mode=cpu ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "gpu.sh: unknown option $arg" >&2; exit 2 ;;
    *) [ -f "$arg" ] || { echo "gpu.sh: no such model: $arg" >&2; exit 2; }; models+=("$arg") ;;
  esac
done
models=("$shared/models/yolov5n-dynamic.onnx" "${models[@]}")

section() { printf '\n== %s\n' "$*"; }

section "machine"
echo "$(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, node $(node -v), $(ffmpeg -hide_banner -version | head -1)"
if [ "$mode" = gpu ]; then
  if ! command -v nvidia-smi >/dev/null || ! nvidia-smi; then
    echo "gpu.sh: nvidia-smi does not work here: no NVIDIA GPU or driver (use --cpu for the CPU check)" >&2
    exit 1
  fi
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  ffmpeg -hide_banner -hwaccels | tr '\n' ' '; echo
fi

section "onnxruntime-node provider libraries"
bin=node_modules/onnxruntime-node/bin/napi-v6/linux/x64
ls -l "$bin"
for lib in "$bin"/libonnxruntime_providers_*.so; do
  [ -e "$lib" ] || { echo "no provider libraries besides CPU: cuda and tensorrt cannot load (docs/deploying.md)"; break; }
  missing=$(ldd "$lib" | awk '/not found/ { print $1 }' | tr '\n' ' ')
  echo "$(basename "$lib"): ${missing:+missing $missing}${missing:-all linked libraries found}"
done

section "build"
if [ ! -f dist/src/inference/batched-detector.js ] || [ -n "$(find src -newer dist/src/inference/batched-detector.js -name '*.ts' -print -quit)" ]; then
  npm run -s build
fi
echo "dist/ up to date"

if [ "$mode" = gpu ]; then
  args=(--providers tensorrt,cuda,cpu --batches "${BENCH_BATCHES:-1,8,32,64}" --jobs "${BENCH_JOBS:-16}"
    --frames "${BENCH_FRAMES:-2048}" --decode-frames 1200 --decode-streams "${BENCH_DECODE_STREAMS:-8}")
  [ -n "${BENCH_HWACCEL:-}" ] && args+=(--hwaccel "$BENCH_HWACCEL")
else
  args=(--providers cpu --check-providers tensorrt,cuda,cpu --batches "${BENCH_BATCHES:-1,4}" --jobs "${BENCH_JOBS:-2}"
    --frames "${BENCH_FRAMES:-8}" --threads 2 --decode-frames 120 --decode-streams "${BENCH_DECODE_STREAMS:-1}")
fi

for model in "${models[@]}"; do
  section "$(basename "$model")"
  json=()
  [ -n "${BENCH_JSON_DIR:-}" ] && mkdir -p "$BENCH_JSON_DIR" && json=(--json "$BENCH_JSON_DIR/$(basename "$model" .onnx)-$mode.json")
  node bench/batcher-bench.js --model "$model" "${args[@]}" "${json[@]}"
done
