# syntax=docker/dockerfile:1
# Hearth image: build the single executable with Bun, run it on slim Debian with bubblewrap.

FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile
COPY tsconfig.json bunfig.toml ./
COPY src ./src
COPY views ./views
COPY migrations ./migrations
COPY public ./public
COPY types ./types
RUN bun run build && ./dist/hearth version

FROM debian:bookworm-slim AS run
# bubblewrap sandboxes server children; ca-certificates lets installs and remote servers use TLS;
# util-linux gives setpriv/prlimit for parent-death signals and resource limits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends bubblewrap ca-certificates util-linux \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin hearth \
 && mkdir -p /data && chown hearth:hearth /data
COPY --from=build /src/dist/hearth /usr/local/bin/hearth
USER hearth
WORKDIR /data
VOLUME /data
EXPOSE 8080
ENV HEARTH_HOST=0.0.0.0 HEARTH_DATA=/data
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD ["hearth", "healthcheck"]
CMD ["hearth", "serve", "--host", "0.0.0.0", "--data", "/data"]
