# syntax=docker/dockerfile:1
# Build and runtime share the same Debian base (better-sqlite3 is a native addon: same libc).
FROM node:22-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY lib ./lib
COPY server ./server
COPY cli ./cli
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
# git: the native working-copy backend; openssh-client: SSH deploy keys; dumb-init: PID 1
# that forwards SIGTERM so deployments end gracefully and no zombie is left.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client ca-certificates dumb-init \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system integralgit \
 && useradd --system --gid integralgit --home-dir /var/lib/integralgit --create-home integralgit \
 && mkdir -p /var/lib/integralgit/data /srv/www \
 && chown -R integralgit:integralgit /var/lib/integralgit /srv/www
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY views ./views
COPY public ./public
ENV NODE_ENV=production
USER integralgit
VOLUME ["/var/lib/integralgit/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s \
  CMD node -e "require('http').get('http://127.0.0.1:8080/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"
ENTRYPOINT ["dumb-init", "--"]
CMD ["node", "bin/integralgit.js", "serve", "--settings", "/etc/integralgit/settings.json", "--data-dir", "/var/lib/integralgit/data"]
