#!/usr/bin/env bash
# Builds the image the Kubernetes manifests name, from the repository's Containerfile, with podman
# or docker (ENGINE=podman|docker picks one). Usage: deploy/build-image.sh [--smoke]
#   --smoke  also runs a 4-pair render inside the image (node as PID 1, as the manifests run it).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(node -p "require('./package.json').version")
IMAGE="registry.example.com/ml-data/viewforge:${VERSION}"
ENGINE="${ENGINE:-$(command -v podman || command -v docker || true)}"
if [ -z "$ENGINE" ]; then
  echo "build-image: neither podman nor docker is installed; install one (apt-get install podman)" >&2
  exit 3
fi
"$ENGINE" build -f Containerfile -t "$IMAGE" .
echo "build-image: built $IMAGE with $ENGINE"
if [ "${1:-}" = "--smoke" ]; then
  out=$(mktemp -d)
  chmod 777 "$out"
  "$ENGINE" run --rm -v "$out:/data" "$IMAGE" render --count 4 --size 128 --out /data/smoke
  "$ENGINE" run --rm -v "$out:/data" "$IMAGE" verify /data/smoke
  echo "build-image: a 4-pair render inside $IMAGE verified (output in $out/smoke)"
fi
