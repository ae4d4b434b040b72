#!/usr/bin/env bash
# A current PyTorch for `paper-lab bench --reference` on a Debian 12 machine, from Debian's own
# packages only: a minimal Debian 13 (trixie) tree with python3-torch (2.6, oneDNN) and OpenBLAS
# as its BLAS, and a python3 wrapper that runs inside it. Debian 12's own python3-torch (1.13, a
# generic BLAS) is several times slower at matrix products, too weak a peer for the ratios.
#
# Needs root (debootstrap, chroot, bind mounts) and about 1.6 GiB of disk. Usage:
#   sudo bash bench/reference/debian-torch.sh [tree folder, default /opt/trixie]
#   npx paper-lab bench <paper> --backends wasm --reference --threads 1 --python <tree>-python3
# The wrapper binds the repository's parent folder and /tmp into the tree (the driver reads its
# sources and the corpus files there), so run it from this checkout.
set -euo pipefail
TREE=${1:-/opt/trixie}
WORK=$(cd "$(dirname "$0")/../../.." && pwd)
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
if [ ! -x "$TREE/usr/bin/python3" ]; then
  debootstrap --variant=minbase trixie "$TREE" http://deb.debian.org/debian
fi
chroot "$TREE" /bin/sh -c 'apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread'
mkdir -p "$TREE$WORK" "$TREE/tmp" "$TREE/proc"
mountpoint -q "$TREE/proc" || mount -t proc proc "$TREE/proc"
mountpoint -q "$TREE$WORK" || mount --bind "$WORK" "$TREE$WORK"
mountpoint -q "$TREE/tmp" || mount --bind /tmp "$TREE/tmp"
cat >"$TREE-python3" <<EOF
#!/bin/sh
# python3 of the Debian 13 tree in $TREE (made by bench/reference/debian-torch.sh).
exec chroot "$TREE" /usr/bin/python3 "\$@"
EOF
chmod +x "$TREE-python3"
"$TREE-python3" -c 'import torch; print("torch", torch.__version__, "at", "'"$TREE-python3"'")' 2>&1 | grep -v UCX
