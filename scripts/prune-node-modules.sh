#!/bin/sh
# Docker build step: keeps this platform's onnxruntime binaries only, and better-sqlite3's addon
# without its build files (node_modules shrinks from about 426 MB to 158 MB).
set -eu
find node_modules/onnxruntime-node/bin/napi-v6 -mindepth 2 -maxdepth 2 -type d ! -path "*/linux/$(node -p process.arch)" -exec rm -rf {} +
rm -rf node_modules/better-sqlite3/deps node_modules/better-sqlite3/src
find node_modules/better-sqlite3/build -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} +
find node_modules/better-sqlite3/build/Release -mindepth 1 ! -name better_sqlite3.node -exec rm -rf {} +
