#!/usr/bin/env bash
# Prints the folder of Node.js <version> (e.g. 24 or 20.19.0): the npm registry's
# node-linux-<arch> package (the binary and its headers), fetched once into .cache/node/<version>.
# For running the suite on another Node than the machine's: put <folder>/bin first on PATH and
# set npm_config_nodedir=<folder>, so native modules build against that Node.
set -euo pipefail
version=${1:?usage: scripts/use-node.sh <version>}
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "use-node: no Node package for $(uname -m)" >&2; exit 1 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.cache/node/$version"
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" >/dev/null && tar xzf node-linux-*.tgz)
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
  rm -rf "$tmp"
fi
echo "$dir"
