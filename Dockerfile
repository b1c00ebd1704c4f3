# syntax=docker/dockerfile:1
# The work-item worker (src/worker/main.ts) for Azure Container Apps jobs on GPU workload profiles.
# See docs/container-jobs.md for building, pushing and creating the job.

# Production dependencies. onnxruntime-node's install script downloads its CUDA 12 execution provider
# libraries (not shipped on npm) when ONNXRUNTIME_NODE_INSTALL names cuda12; the repository's .npmrc,
# which skips that download for development machines, is deliberately not copied.
FROM node:20-bookworm AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
ENV ONNXRUNTIME_NODE_INSTALL=cuda12
RUN npm ci --omit=dev \
 && test -f node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so

# The TypeScript build (needs the dev dependencies; the CUDA download is not needed to compile).
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY functions ./functions
RUN npm run build

# CUDA 12 runtime with cuDNN 9, which onnxruntime's CUDA execution provider loads.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
COPY --from=dependencies /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY package.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
ENV NODE_ENV=production
USER 1000
# Node is PID 1: the worker handles SIGTERM itself (finish or release the running item).
ENTRYPOINT ["node", "dist/src/worker/main.js"]
CMD ["--exit-when-idle"]
