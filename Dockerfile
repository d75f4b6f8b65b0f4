# pgtel serve (and every other pgtel command) as a container image.
#   docker build -t pgtel .
#   docker run --read-only --tmpfs /tmp -v pgtel-data:/data -p 4318:4318 -p 4317:4317 pgtel
# With DATABASE_URL set it stores everything in that PostgreSQL; without it, in the embedded
# database on the /data volume. Any command runs the same way: `docker run ... pgtel migrate`.

# Build stage: compile TypeScript and pack the package exactly as npm would publish it.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json README.md ./
COPY scripts ./scripts
COPY sql ./sql
COPY src ./src
COPY web ./web
RUN npm run build \
    && npm pack --ignore-scripts --pack-destination /tmp \
    && mkdir /app && tar -xzf /tmp/pgtel-*.tgz -C /app --strip-components=1 \
    && cp package-lock.json /app/ \
    && cd /app && npm ci --omit=dev --omit=peer --no-audit --no-fund --ignore-scripts \
    && rm package-lock.json && npm cache clean --force

# Runtime stage: the packed package and its production dependencies only, owned by root and run as
# the unprivileged `node` user (uid 1000), so the code is not writable by the process running it.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PGTEL_HOST=0.0.0.0 \
    PGTEL_PORT=4318 \
    PGTEL_GRPC_PORT=4317 \
    PGTEL_DATA_DIR=/data/db \
    PGTEL_SPOOL_DIR=/data/spool
WORKDIR /app
COPY --from=build /app /app
# The only place pgtel writes (embedded database, lock file, ingest spool): a volume, so the root
# filesystem can be mounted read-only.
RUN mkdir -p /data && chown 1000:1000 /data
VOLUME ["/data"]
USER 1000:1000
EXPOSE 4318 4317
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PGTEL_PORT+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/src/cli/bin.js"]
CMD ["serve"]
