# Livehouse in one container: `docker run -p 8080:8080 -p 1935:1935 -v livehouse:/data livehouse`
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY server ./server
COPY views ./views
COPY public ./public
COPY scripts ./scripts
COPY tsconfig.json bunfig.toml ./
ENV LIVEHOUSE_DATA_DIR=/data
VOLUME /data
EXPOSE 8080 1935
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["scripts/livehouse", "serve"]
