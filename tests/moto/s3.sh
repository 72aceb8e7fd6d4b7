#!/usr/bin/env bash
# Runs tests/moto_s3.rs against moto's S3 (a third-party implementation) on
# loopback: installs a pinned moto[server] into a virtualenv under the cargo
# target folder (once), starts it on 127.0.0.1 with signature checking on
# (INITIAL_NO_AUTH_ACTION_COUNT: the test's first three requests create the
# IAM user whose key it signs with), runs the test with SIGV4_MOTO_S3_URL
# pointing at it, and stops it.
#
# MOTO_S3_PORT picks the port (default 5988). If pip cannot install moto (no
# network), the step says so and exits 0 without running the test: set
# MOTO_REQUIRED=1 to make that a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."

. tests/moto/lib.sh
PORT=${MOTO_S3_PORT:-5988}

moto_install "moto S3 test"
export INITIAL_NO_AUTH_ACTION_COUNT=3 # the test's first three requests create its IAM user
moto_start "$PORT" "$MOTO_VENV/moto-s3.log"

SIGV4_MOTO_S3_URL="http://127.0.0.1:$PORT" \
  cargo test --test moto_s3 -- --nocapture
