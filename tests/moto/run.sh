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

. tests/moto/lib.sh
PORT=${MOTO_PORT:-5987}

moto_install "moto STS test"
moto_start "$PORT" "$MOTO_VENV/moto.log"

SIGV4_MOTO_URL="http://127.0.0.1:$PORT" \
  cargo test --features network-credentials --test moto_sts -- --nocapture
