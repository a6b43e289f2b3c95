# Livehouse in one container: docker run -p 8080:8080 -p 1935:1935 -v livehouse:/data livehouse
# Stage 1 builds the single binary (scripts/build: bun build --compile); stage 2 is Debian slim with ffmpeg and
# that binary only: no Node, no Bun, no sources. Build: scripts/container build (podman or docker).

FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json bunfig.toml tsconfig.json ./
# Bun comes from the npm package `bun`; only runtime dependencies are needed to compile. Behind a TLS-inspecting
# proxy, scripts/container passes the host's CA bundle as the build secret "ca-bundle" (absent: ignored).
RUN --mount=type=secret,id=ca-bundle NODE_EXTRA_CA_CERTS=/run/secrets/ca-bundle npm ci --omit=dev --no-audit --no-fund --loglevel=error
COPY server ./server
COPY views ./views
COPY public ./public
COPY scripts/build ./scripts/build
ARG LIVEHOUSE_COMMIT=unknown
RUN LIVEHOUSE_COMMIT="$LIVEHOUSE_COMMIT" scripts/build && ./dist/livehouse --version

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home livehouse \
 && mkdir -p /data && chown livehouse:livehouse /data
COPY --from=build /src/dist/livehouse /usr/local/bin/livehouse
USER livehouse
WORKDIR /data
ENV LIVEHOUSE_DATA_DIR=/data
VOLUME /data
EXPOSE 8080 1935
# `podman build --format docker` keeps this (the OCI format drops HEALTHCHECK).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["livehouse", "healthcheck"]
# Livehouse handles SIGTERM itself as PID 1 (graceful stop within 8 s, under the 10 s stop timeout).
STOPSIGNAL SIGTERM
ENTRYPOINT ["livehouse"]
CMD ["serve"]
