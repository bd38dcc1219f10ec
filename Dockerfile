# syntax=docker/dockerfile:1
# Three stages on the same Debian base: better-sqlite3 is a native addon, so the libc it is
# built against must be the one it runs on.

# 1. compile the TypeScript (dev dependencies needed: typescript)
FROM node:22-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY lib ./lib
COPY server ./server
COPY cli ./cli
RUN npm run build

# 2. production dependencies only (the toolchain stays in this stage)
FROM node:22-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev

# 3. runtime
FROM node:22-bookworm-slim
# git: the native working-copy backend; openssh-client: SSH deploy keys; dumb-init: PID 1
# that forwards SIGTERM so deployments end gracefully and no zombie is left.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates dumb-init \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system integralgit \
 && useradd --system --gid integralgit --home-dir /var/lib/integralgit --create-home integralgit \
 && mkdir -p /var/lib/integralgit/data /srv/www \
 && chown -R integralgit:integralgit /var/lib/integralgit /srv/www \
 && chmod 0700 /var/lib/integralgit/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY views ./views
COPY public ./public
ENV NODE_ENV=production
USER integralgit
VOLUME ["/var/lib/integralgit/data"]
EXPOSE 8080
# Settings: mount them at /etc/integralgit/settings.{json,yaml,yml} (the default lookup) or
# set INTEGRALGIT_SETTINGS. The healthcheck reads the same settings, so it follows the
# port, listen address and basePath set there.
HEALTHCHECK --interval=30s --timeout=10s --start-period=15s --retries=3 \
  CMD ["node", "bin/integralgit.js", "healthcheck"]
ENTRYPOINT ["dumb-init", "--"]
CMD ["node", "bin/integralgit.js", "serve", "--data-dir", "/var/lib/integralgit/data"]
