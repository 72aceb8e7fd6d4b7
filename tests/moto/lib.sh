# Shared by tests/moto/run.sh (STS) and tests/moto/s3.sh (S3): installs the
# pinned moto[server] into a virtualenv under the cargo target folder (once)
# and starts it on loopback. Source it from the repository's root.
#
# If pip cannot install moto (no network), `moto_install` says so and the
# script exits 0 without running its test: set MOTO_REQUIRED=1 to make that
# a failure.

MOTO_VERSION=5.2.5
MOTO_VENV="${CARGO_TARGET_DIR:-target}/moto-venv-$MOTO_VERSION"

# moto_install WHAT: installs moto unless already there; WHAT names the
# test in the message printed when it cannot be installed.
moto_install() {
  if [ ! -x "$MOTO_VENV/bin/moto_server" ]; then
    if ! { python3 -m venv "$MOTO_VENV" &&
           "$MOTO_VENV/bin/pip" install --quiet --disable-pip-version-check --no-cache-dir \
             "moto[server]==$MOTO_VERSION"; }; then
      rm -rf "$MOTO_VENV"
      echo "moto[server]==$MOTO_VERSION could not be installed: $1 NOT run"
      [ "${MOTO_REQUIRED:-0}" = 1 ] && exit 1
      exit 0
    fi
  fi
}

# moto_start PORT LOG: starts moto_server on 127.0.0.1:PORT (with the
# caller's environment, so a variable set before the call reaches it),
# stops it when the script exits, and waits until it listens.
moto_start() {
  local port=$1 log=$2
  "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
  MOTO_PID=$!
  trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 60); do
    if python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
      cat "$log"
      echo "moto_server exited before listening on 127.0.0.1:$port"
      exit 1
    fi
    sleep 0.5
  done
  echo "moto_server did not listen on 127.0.0.1:$port within 30 s"
  exit 1
}
