# Sourced by .ci/spec-walks, .ci/spec-compat and .ci/spec-reference: installs their pinned tools
# once (one pip install, one npm install) under .ci/.tools/walks and puts them on PATH.
# Reinstalls only when requirements.txt or package-lock.json changed (a copy is the stamp).
# shellcheck shell=bash

PROOFS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROOFS_SRC="$PROOFS_ROOT/.ci/walks"
PROOFS_TOOLS="$PROOFS_ROOT/.ci/.tools/walks"
PROOFS_VENV="$PROOFS_TOOLS/venv"
PROOFS_NPM="$PROOFS_TOOLS/npm"

proofs_log() { printf '\n== %s\n' "$*"; }
proofs_die() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

# $1 = need python tools (yes/no)
proofs_install() {
  local want_py="$1"
  mkdir -p "$PROOFS_TOOLS"
  command -v npm >/dev/null || proofs_die "npm required"
  if [[ "$want_py" == yes ]] && ! cmp -s "$PROOFS_VENV/.requirements" "$PROOFS_SRC/requirements.txt"; then
    proofs_log "installing Python tools into $PROOFS_VENV"
    rm -rf "$PROOFS_VENV"
    python3 -m venv "$PROOFS_VENV"
    "$PROOFS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
      -r "$PROOFS_SRC/requirements.txt"
    cp "$PROOFS_SRC/requirements.txt" "$PROOFS_VENV/.requirements"
  fi
  if ! cmp -s "$PROOFS_NPM/package-lock.json" "$PROOFS_SRC/package-lock.json"; then
    proofs_log "installing Node tools into $PROOFS_NPM"
    rm -rf "$PROOFS_NPM"
    mkdir -p "$PROOFS_NPM"
    cp "$PROOFS_SRC/package.json" "$PROOFS_SRC/package-lock.json" "$PROOFS_NPM/"
    (cd "$PROOFS_NPM" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export PROOFS_NPM
  export PATH="$PROOFS_VENV/bin:$PROOFS_NPM/node_modules/.bin:$PATH"
  export NO_UPDATE_NOTIFIER=1 REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
}
