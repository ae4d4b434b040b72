#!/usr/bin/env bash
# The GPU check, in one timed pass on a machine prepared by bench/gpu/kit.sh (see
# docs/benchmarks.md for the numbers it produced). Lanes run side by side:
#   run-<paper>   each demo's quick preset on webgpu, seed 0, claims checked
#   bench-a/b     steps/s on webgpu and wasm in the same invocation, per demo, and the
#                 score-SDE MLP at batch 4096 (the largest batch a demo accepts)
#   reference     ours (wasm, 1 thread) ÷ the machine's PyTorch on 1 CPU thread, per demo
#   auto          what `--backend auto` picks for a small recurrent model and a large batch
# Logs go to $OUT (or ./gpu-out): summary.txt and logs.tar.gz. Back on the development machine,
# `npx tsx bench/gpu/report.ts <the gpu-logs folder of logs.tar.gz>` writes the tables for
# docs/benchmarks.md.
# Usage: bash bench/gpu/check.sh [seconds for the lanes, default 420]
#   PAPERS="fedopt rims"  only these demos (default: all seven)
#   REFERENCE=0           leave out the PyTorch lane
set -u
cd "$(dirname "$0")/../.."
BUDGET=${1:-420}
OUT=${OUT:-$PWD/gpu-out}
mkdir -p "$OUT"
L=/tmp/gpu-logs
rm -rf "$L" /tmp/gpu-runs
mkdir -p "$L" /tmp/gpu-runs

# Loaders, node and the Dawn addon (GPU_CHECK_LOCAL=1: use this machine's, for a dry run).
if [ -z "${GPU_CHECK_LOCAL:-}" ]; then
  for f in .gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  tar -xJf .gpukit/node.tar.xz -C /tmp
  export PATH=/tmp:$PATH
fi
xz -dc .gpukit/dawn.node.xz >.gpukit/mods/node_modules/webgpu/dist/linux-x64/dawn.node
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; break; fi
done
egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
[ -f "$egl" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$egl
# Dawn's Vulkan loader wants a runtime folder (without one, every process prints an error line).
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/gpu-xdg}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
export XDG_CACHE_HOME=/tmp/gpu-cache PAPER_LAB_PYTHON=${PAPER_LAB_PYTHON:-python3}
M=(--module-path .gpukit/mods)
CLI=(node dist/cli.js)
read -r -a PAPERS <<<"${PAPERS:-fedopt score-sde rims flyvec ance genre drq}"
want() { [[ " ${PAPERS[*]} " == *" $1 "* ]]; }

{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv
  lscpu | grep -E 'Model name|^CPU\(s\)|Thread|MHz'
  node -v
  "$PAPER_LAB_PYTHON" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
} >"$L/machine.txt" 2>&1

STOP=/tmp/gpu-stop
rm -f "$STOP"
lane() { # name seconds command…
  local name=$1 secs=$2
  shift 2
  if [ -f "$STOP" ]; then
    echo "[not started: out of time] $*" >>"$L/$name.txt"
    return
  fi
  local t0=$SECONDS
  timeout "$secs" "$@" >>"$L/$name.txt" 2>&1
  echo "[exit $? after $((SECONDS - t0)) s] $*" >>"$L/$name.txt"
}

pids=()
for p in "${PAPERS[@]}"; do
  lane "run-$p" "$BUDGET" "${CLI[@]}" run "$p" --backend webgpu "${M[@]}" --seed 0 --out "/tmp/gpu-runs/$p" &
  pids+=($!)
done

# bench_lane LANE FILE PAPER STEPS WARMUP SECONDS [more bench flags]: webgpu and wasm in one invocation.
bench_lane() {
  local name=$1 file=$2 paper=$3 steps=$4 warmup=$5 secs=$6
  shift 6
  want "$paper" || return 0
  lane "$name" "$secs" "${CLI[@]}" bench "$paper" --backends webgpu,wasm "${M[@]}" "$@" \
    --steps "$steps" --warmup "$warmup" --json "$L/bench-$file.json"
}
(
  bench_lane bench-a score-sde-4096 score-sde 40 5 150 --set batch=4096 --set hidden=512
  bench_lane bench-a score-sde score-sde 300 50 60
  bench_lane bench-a fedopt fedopt 12 2 60
  bench_lane bench-a ance ance 40 5 60
  bench_lane bench-a flyvec flyvec 20 2 60
) &
pids+=($!)
(
  bench_lane bench-b rims rims 5 1 100
  bench_lane bench-b genre genre 24 4 100
  bench_lane bench-b drq drq 140 110 150
) &
pids+=($!)
[ "${REFERENCE:-1}" = 1 ] && (
  for p in "${PAPERS[@]}"; do
    lane reference 90 "${CLI[@]}" bench "$p" --backends wasm --reference --threads 1 --json "$L/reference-$p.json"
  done
) &
pids+=($!)
(
  want rims && lane auto 120 "${CLI[@]}" run rims --backend auto --recalibrate "${M[@]}" --set steps=6 --out /tmp/gpu-runs/auto-rims
  want score-sde && lane auto 120 "${CLI[@]}" run score-sde --backend auto --recalibrate "${M[@]}" --set batch=4096 --set hidden=512 \
    --set steps=60 --set warmup=10 --set samples=200 --set heldOut=200 --out /tmp/gpu-runs/auto-sde
  want fedopt && lane auto 60 "${CLI[@]}" run fedopt --backend auto --recalibrate "${M[@]}" --set rounds=5 --out /tmp/gpu-runs/auto-fedopt
) &
pids+=($!)

# Whatever still runs after the budget is stopped, so the logs always come back.
(sleep $((BUDGET + 15)) && touch "$STOP" && pkill -f 'dist/cli.js' && sleep 3 && pkill -9 -f 'dist/cli.js|bench/reference') &
watchdog=$!
wait "${pids[@]}"
kill "$watchdog" 2>/dev/null
cp "$XDG_CACHE_HOME/paper-lab/calibration.json" "$L/" 2>/dev/null
for d in /tmp/gpu-runs/*/; do
  [ -f "$d/run.json" ] && cp "$d/run.json" "$L/runjson-$(basename "$d").json"
  [ -f "$d/summary.json" ] && cp "$d/summary.json" "$L/summary-$(basename "$d").json"
done
{
  cat "$L/machine.txt"
  for p in "${PAPERS[@]}"; do
    echo "=== run $p (webgpu, quick, seed 0)"
    grep -E '^backend:|claim|PASS|FAIL|completed|failed|stopped|error|exit' "$L/run-$p.txt" | head -40
  done
  for f in bench-a bench-b reference auto; do
    echo "=== $f"
    cat "$L/$f.txt"
  done
} >"$OUT/summary.txt" 2>&1
tar -C /tmp -czf "$OUT/logs.tar.gz" gpu-logs
echo "done in $SECONDS s"
