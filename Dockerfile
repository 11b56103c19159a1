# Porchlight in a container: a static binary on a distroless, non-root
# image, the database on a volume, the health check through the binary
# itself (there is no shell or curl in the image).
#
#   docker build --build-arg VERSION=v1.0.0 -t porchlight .
#   docker compose -f deploy/docker-compose.yml up -d
#
# Build with the newest patched Go 1.26 release: the standard library's
# security fixes arrive in patch releases.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.Version=${VERSION}" -o /out/porchlight ./cmd/porchlight \
    && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/porchlight /usr/local/bin/porchlight
# The volume's mount point belongs to the image's non-root user (65532), so
# a new named volume starts writable by it.
COPY --from=build --chown=65532:65532 /out/data /data
VOLUME ["/data"]
# The config is mounted read-only at /config/porchlight.toml; tokens come
# from the environment (an env file), never from the image.
ENV PORCHLIGHT_CONFIG=/config/porchlight.toml \
    PORCHLIGHT_DB=/data/porchlight.db \
    PORCHLIGHT_LOG_FORMAT=json \
    PORCHLIGHT_HTTP_LISTEN=0.0.0.0:9090
EXPOSE 9090
USER 65532:65532
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/usr/local/bin/porchlight", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/porchlight"]
CMD ["run"]
