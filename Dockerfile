# syntax=docker/dockerfile:1.7
#
# The imagine bot in a container.
#   CPU (default):    docker build -t imagine-bot .
#   NVIDIA CUDA 12:   docker build --target cuda -t imagine-bot:cuda .
#
# The image runs the compiled build (`npm run build` → dist/: plain JavaScript, no TypeScript loader,
# the inference thread included) with production dependencies only.
# docs/deploy.md explains volumes, ports, health, metrics and stopping.

# The Node the bot ships on, named here once: .ci/run tests this major too.
ARG NODE_VERSION=24
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# ---- Node on Debian slim: the CPU runtime and the build stages start here.
FROM node:${NODE_VERSION}-bookworm-slim AS node

# ---- Build tools: better-sqlite3 compiles from source when no prebuilt binary matches.
FROM node AS build-base
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts/prune-node-modules.sh scripts/

# ---- The compiled build: all dependencies (the TypeScript compiler among them), then dist/.
FROM build-base AS compiled
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs scripts/deploy-commands.ts scripts/cli-options.ts scripts/
COPY scripts/model scripts/model
COPY src src
COPY commands commands
RUN node scripts/build.mjs

# ---- Production dependencies for CPU. onnxruntime-node ships its CPU binaries in the package;
# .npmrc (onnxruntime-node-install=skip) skips its download step.
FROM build-base AS deps
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
RUN sh scripts/prune-node-modules.sh

# ---- Production dependencies for CUDA 12: onnxruntime-node's install step also fetches its CUDA
# and TensorRT execution provider libraries (from NuGet; the environment variable wins over .npmrc).
FROM build-base AS deps-cuda
ENV ONNXRUNTIME_NODE_INSTALL=cuda12
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so
RUN sh scripts/prune-node-modules.sh

# ---- CUDA runtime: CUDA 12 + cuDNN 9 from NVIDIA, Node copied in from the official image (glibc
# builds; Ubuntu 24.04's glibc is newer than Debian 12's, so the native modules built above load).
FROM ${CUDA_IMAGE} AS cuda
COPY --from=node /usr/local/bin/node /usr/local/bin/node
RUN (userdel --remove ubuntu 2>/dev/null || true) \
 && groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --home-dir /home/node --create-home --shell /usr/sbin/nologin node \
 && mkdir -p /data && chown node:node /data
ENV NODE_ENV=production \
    DATA_DIR=/data \
    OPS_PORT=9090 \
    PIPELINE_DEVICE=cuda
WORKDIR /app
COPY --from=deps-cuda /app/node_modules ./node_modules
COPY --from=compiled /app/dist ./dist
COPY package.json ./
COPY assets assets
COPY config config
COPY models models
USER node
VOLUME ["/data", "/app/models"]
EXPOSE 8080 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD ["node", "dist/src/ops/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/runtime/main.js"]

# ---- CPU runtime (the default target).
FROM node AS cpu
RUN mkdir -p /data && chown node:node /data
# Ops (/livez, /readyz, /metrics) answer inside the container only unless OPS_HOST=0.0.0.0 is set.
ENV NODE_ENV=production \
    DATA_DIR=/data \
    OPS_PORT=9090
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=compiled /app/dist ./dist
COPY package.json ./
COPY assets assets
COPY config config
COPY models models
USER node
VOLUME ["/data", "/app/models"]
EXPOSE 8080 9090
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 CMD ["node", "dist/src/ops/healthcheck.mjs"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/runtime/main.js"]
