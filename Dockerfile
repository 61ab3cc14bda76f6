# Centralino as a container: the same single binary `npm run build` makes (dist/centralino), on a slim Debian
# base, running as a non-root user with its data in the /data volume.
#
#   docker build -t centralino .
#   docker run -d --name centralino -p 3000:3000 -v centralino-data:/data \
#     -e ADMIN_EMAIL=you@example.com -e ADMIN_PASSWORD='a long passphrase' centralino
#
# Configuration is environment variables only (README "Configuration"); the CLI runs with
# `docker exec centralino /app/centralino <command>` (e.g. `token create --name crm --role admin`).

# --- build: Node + npm install Bun (a devDependency) and compile the binary ------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && ./dist/centralino help >/dev/null

# --- runtime: only the binary ------------------------------------------------------------------------------
FROM debian:bookworm-slim
# ca-certificates for HTTPS to the Graph API and other outbound calls; the binary needs nothing else from
# the system but glibc (time zone data is built in).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 centralino \
 && useradd --system --uid 10001 --gid centralino --home-dir /data --shell /usr/sbin/nologin centralino \
 && mkdir -p /app /data \
 && chown centralino:centralino /data \
 && chmod 0750 /data
COPY --from=build /src/dist/centralino /app/centralino

ENV DATA_DIR=/data PORT=3000 HOST=0.0.0.0
# Declared after the chown, so a new named volume starts out owned by the centralino user.
VOLUME /data
WORKDIR /data
EXPOSE 3000
USER centralino:centralino
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/app/centralino", "healthcheck"]
# SIGTERM (docker stop) drains requests and closes the database; allow it the default 10 s or more.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/centralino"]
CMD ["serve"]
