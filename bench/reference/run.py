"""Times one demo's training step in PyTorch, for `paper-lab bench --reference`.

Usage:
    python3 bench/reference/run.py '<spec JSON>'
    python3 bench/reference/run.py < spec.json

The spec (built by src/cli/reference.ts from the demo's preset) is
    {"paper": "fedopt" | "rims" | "score-sde" | "flyvec" | "ance" | "genre" | "drq",
     "config": {...the values that shape the training step...},
     "threads": N, "steps": S, "warmup": W, "seed": 0}

The driver limits the BLAS and OpenMP pools to N threads before torch is imported (a torch
built on OpenBLAS, as Debian's is, keeps one OpenBLAS thread per core whatever
`torch.set_num_threads` says), sets torch's intra-op threads to N, builds the paper's trainer,
runs W untimed steps, then times S steps (wall clock and this process's CPU time) and prints one
JSON object:
    {"ok": true, "stepsPerSecond": ..., "seconds": ..., "cpuSeconds": ..., "steps": S,
     "warmup": W, "threads": N, "torch": "2.x", "blas": "...", "python": "3.x"}
On any failure it prints {"ok": false, "reason": "..."} and exits with status 3, so the caller
can report why the reference is unavailable.
"""

import importlib
import json
import os
import re
import sys
import time

# Leave no __pycache__ beside the reference sources in the repository.
sys.dont_write_bytecode = True

# Each paper's module defines `make_trainer(config, seed) -> step`, where `step()` runs one
# training step exactly as the demo counts them (a FedOpt round, a RIMs step of both models, ...).
PAPERS = {
    "fedopt": "fedopt",
    "rims": "rims",
    "score-sde": "score_sde",
    "flyvec": "flyvec",
    "ance": "ance",
    "genre": "genre",
    "drq": "drq",
}


def fail(reason):
    print(json.dumps({"ok": False, "reason": reason}))
    sys.exit(3)


def read_spec(argv):
    text = argv[1] if len(argv) > 1 else sys.stdin.read()
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"spec is not JSON: {error}")
    for key in ("paper", "config", "threads", "steps", "warmup"):
        if key not in spec:
            fail(f"spec has no '{key}'")
    if spec["paper"] not in PAPERS:
        fail(f"no PyTorch reference for paper '{spec['paper']}' (have: {', '.join(PAPERS)})")
    if int(spec["steps"]) < 1 or int(spec["threads"]) < 1 or int(spec["warmup"]) < 0:
        fail("steps and threads must be at least 1, warmup at least 0")
    return spec


# The thread pools a BLAS or OpenMP runtime sizes from the environment when it loads.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "BLIS_NUM_THREADS")


def limit_thread_pools(threads):
    """Sizes the BLAS and OpenMP pools to `threads`; only takes effect before torch is imported."""
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)


def loaded_blas():
    """The BLAS library this process has mapped (e.g. 'libopenblas'), or None where it cannot tell."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            names = {os.path.basename(line.split()[-1]) for line in maps if "/" in line}
    except OSError:
        return None
    for prefix in ("libmkl_core", "libopenblas", "libblis", "libblas"):
        if any(name.startswith(prefix) for name in names):
            return prefix
    return None


def blas_info(torch):
    """The BLAS torch was built with (e.g. 'mkl', 'open', 'generic'), from its build configuration,
    and the library loaded where that differs: a 'generic' build calls whichever libblas.so.3 the
    system provides ('generic, libopenblas')."""
    try:
        found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    except Exception:  # noqa: BLE001 - the configuration text is informative only
        found = None
    built = found.group(1) if found else "unknown"
    library = loaded_blas()
    return f"{built}, {library}" if built == "generic" and library else built


def main(argv):
    spec = read_spec(argv)
    limit_thread_pools(int(spec["threads"]))
    try:
        import torch
    except Exception as error:  # noqa: BLE001 - ImportError, or a broken install's OSError
        fail(f"torch cannot be imported by {sys.executable}: {error}")

    threads = int(spec["threads"])
    torch.set_num_threads(threads)
    # One thread for inter-op work too, so that N threads means N cores in use.
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set in this process
    seed = int(spec.get("seed", 0))
    torch.manual_seed(seed)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    module = importlib.import_module(PAPERS[spec["paper"]])
    try:
        step = module.make_trainer(spec["config"], seed)
    except KeyError as error:
        fail(f"bad config for {spec['paper']}: no value {error}")
    except ValueError as error:
        fail(f"bad config for {spec['paper']}: {error}")

    for _ in range(int(spec["warmup"])):
        step()
    steps = int(spec["steps"])
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - wall0
    cpu_seconds = time.process_time() - cpu0

    print(
        json.dumps(
            {
                "ok": True,
                "paper": spec["paper"],
                "steps": steps,
                "warmup": int(spec["warmup"]),
                "seconds": seconds,
                "cpuSeconds": cpu_seconds,
                "stepsPerSecond": steps / seconds if seconds > 0 else None,
                "threads": torch.get_num_threads(),
                "torch": torch.__version__,
                "blas": blas_info(torch),
                "python": sys.version.split()[0],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv)
