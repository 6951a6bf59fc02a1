# syntax=docker/dockerfile:1

# Everything needed to compile, dev dependencies included.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci

# tsc -> dist/: dist/src/main.js, dist/src/projectorWorker.js, dist/src/cli/{migrate,admin}.js
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Only what production runs: the compiled dist/ and the production dependencies. The development
# tools (tsx, esbuild, TypeScript) and the embedded PostgreSQL are dev dependencies, left out here.
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Root owns the code; the app runs as the image's unprivileged `node` user and cannot rewrite it.
USER node
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 8000}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
