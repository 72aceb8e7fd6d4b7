#!/usr/bin/env bash
# Runs tests/moto_sts.rs against moto's STS (a third-party implementation)
# on loopback: installs a pinned moto[server] into a virtualenv under the
# cargo target folder (once), starts it on 127.0.0.1, runs the test with
# SIGV4_MOTO_URL pointing at it, and stops it.
#
# MOTO_PORT picks the port (default 5987). If pip cannot install moto (no
# network), the step says so and exits 0 without running the test: set
# MOTO_REQUIRED=1 to make that a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

MOTO_VERSION=5.2.5
PORT=${MOTO_PORT:-5987}
TARGET=${CARGO_TARGET_DIR:-target}
VENV="$TARGET/moto-venv-$MOTO_VERSION"

if [ ! -x "$VENV/bin/moto_server" ]; then
  if ! { python3 -m venv "$VENV" &&
         "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"; }; then
    rm -rf "$VENV"
    echo "moto[server]==$MOTO_VERSION could not be installed: moto STS test NOT run"
    [ "${MOTO_REQUIRED:-0}" = 1 ] && exit 1
    exit 0
  fi
fi

"$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$VENV/moto.log" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT

for _ in $(seq 1 60); do
  if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $PORT), 1)" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$MOTO_PID" 2>/dev/null; then
    cat "$VENV/moto.log"
    echo "moto_server exited before listening on 127.0.0.1:$PORT"
    exit 1
  fi
  sleep 0.5
done

SIGV4_MOTO_URL="http://127.0.0.1:$PORT" \
  cargo test --features network-credentials --test moto_sts -- --nocapture
