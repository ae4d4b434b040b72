#!/usr/bin/env bash
# The GPU check, in one timed pass on a machine prepared by bench/gpu/kit.sh (see
# docs/benchmarks.md for the numbers it produced). Lanes run side by side:
#   run-<paper>   each demo's quick preset on webgpu, seed 0, claims checked
#   bench-a/b     steps/s on webgpu and wasm in the same invocation, per demo, and the
#                 score-SDE MLP at batch 4096 (the largest batch a demo accepts)
#   reference     ours (wasm, 1 thread) ÷ the machine's PyTorch on 1 CPU thread, per demo
#   auto          what `--backend auto` picks for a small recurrent model and a large batch
# Logs go to $OUT (or ./gpu-out): summary.txt and logs.tar.gz.
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

(
  want score-sde &&
  lane bench-a 150 "${CLI[@]}" bench score-sde --backends webgpu,wasm "${M[@]}" --set batch=4096 --set hidden=512 \
    --steps 40 --warmup 5 --json "$L/bench-score-sde-4096.json"
  want score-sde &&
  lane bench-a 60 "${CLI[@]}" bench score-sde --backends webgpu,wasm "${M[@]}" --steps 300 --warmup 50 \
    --json "$L/bench-score-sde.json"
  want fedopt &&
  lane bench-a 60 "${CLI[@]}" bench fedopt --backends webgpu,wasm "${M[@]}" --steps 12 --warmup 2 \
    --json "$L/bench-fedopt.json"
  want ance &&
  lane bench-a 60 "${CLI[@]}" bench ance --backends webgpu,wasm "${M[@]}" --steps 40 --warmup 5 \
    --json "$L/bench-ance.json"
  want flyvec &&
  lane bench-a 60 "${CLI[@]}" bench flyvec --backends webgpu,wasm "${M[@]}" --steps 20 --warmup 2 \
    --json "$L/bench-flyvec.json"
) &
pids+=($!)
(
  want rims &&
  lane bench-b 100 "${CLI[@]}" bench rims --backends webgpu,wasm "${M[@]}" --steps 5 --warmup 1 \
    --json "$L/bench-rims.json"
  want genre &&
  lane bench-b 100 "${CLI[@]}" bench genre --backends webgpu,wasm "${M[@]}" --steps 24 --warmup 4 \
    --json "$L/bench-genre.json"
  want drq &&
  lane bench-b 150 "${CLI[@]}" bench drq --backends webgpu,wasm "${M[@]}" --steps 140 --warmup 110 \
    --json "$L/bench-drq.json"
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
