# traction-screen image: `docker build -t traction-screen .`
#
# Builder: the binary exactly as `cargo build --release --locked` builds it (librdkafka
# built from source with vendored OpenSSL and zstd, see DEVELOPERS.md), dependencies in
# their own cached layer. Runtime: Debian slim with the binary only: the rule pack, the
# ICD-10-CM code set and the Avro schemas are compiled into it (include_str!), so there is
# no data file to ship. Mount another pack and pass --rule-pack to override the built-in one.
ARG RUST_VERSION=1.95
ARG DEBIAN=bookworm

FROM rust:${RUST_VERSION}-${DEBIAN} AS builder
WORKDIR /build
# Dependencies first, with placeholder targets: this layer (librdkafka and OpenSSL take
# minutes to build) is rebuilt only when a manifest or Cargo.lock changes. Every member of
# the workspace (Cargo.toml's `members`) needs its manifest and placeholder sources here.
COPY Cargo.toml Cargo.lock ./
COPY crates/core/Cargo.toml crates/core/
COPY crates/synth/Cargo.toml crates/synth/
RUN mkdir -p src crates/core/src crates/core/benches crates/synth/src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs crates/core/src/lib.rs crates/synth/src/lib.rs \
    && echo 'fn main() {}' > crates/core/benches/core.rs \
    && cargo build --release --locked \
    && rm -rf src crates/core/src crates/core/benches crates/synth/src
COPY schemas schemas
COPY data data
COPY crates crates
COPY src src
# cargo compares modification times: make sure the real sources replace the placeholders.
RUN touch src/main.rs src/lib.rs crates/core/src/lib.rs crates/synth/src/lib.rs \
    && cargo build --release --locked

FROM debian:${DEBIAN}-slim
# CA certificates: librdkafka (statically linked OpenSSL) probes the standard paths for them
# when ssl.ca.location is not set, and the Schema Registry client may use https.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 traction-screen \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin \
        traction-screen
COPY --from=builder /build/target/release/traction-screen /usr/local/bin/traction-screen
USER 10001:10001
# The admin server (/metrics, /healthz, /readyz) listens on all interfaces in a container.
ENV TRACTION_SCREEN_ADMIN_ADDR=0.0.0.0:9464
EXPOSE 9464
# Slim Debian has no curl: bash's /dev/tcp sends the request, the status line must say 200.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${TRACTION_SCREEN_ADMIN_ADDR##*:} && printf 'GET /healthz HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["traction-screen"]
CMD ["run"]
