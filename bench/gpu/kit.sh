#!/usr/bin/env bash
# Packs what `bench/gpu/check.sh` needs on a GPU machine that has no Node.js and no network:
#   .gpukit/node.tar.xz        this machine's node binary
#   .gpukit/dawn.node.xz       the webgpu package's linux-x64 Dawn addon (unpacked there)
#   .gpukit/mods/node_modules/webgpu   the rest of the webgpu package (for --module-path)
#   .gl/*.deb                  the Vulkan/GL loaders (libvulkan1 and the glvnd libraries)
# Run from the repository root after `npm ci` and `npm run build`; then carry `.gpukit`, `.gl`,
# `dist` and `media/data` to the machine (about 45 MiB once dist's source maps are removed).
set -euo pipefail
cd "$(dirname "$0")/../.."
test -f dist/cli.js || { echo "build first: npm run build" >&2; exit 1; }
mkdir -p .gpukit/mods/node_modules/webgpu/dist/linux-x64 .gl
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .gpukit/mods/node_modules/webgpu/
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >.gpukit/dawn.node.xz
tar -C "$(dirname "$(command -v node)")" -cf - node | xz -T2 -6 >.gpukit/node.tar.xz
lists=$(mktemp -d)
mkdir -p "$lists/partial"
apt=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${apt[@]}" update >/dev/null
(cd .gl && apt-get "${apt[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
rm -f dist/*.map
du -sh .gpukit .gl dist media/data
