#!/bin/sh
# Installs lineworks-partner (the command line) and lineworks-partner-sandbox __VERSION__ from
# the release's prebuilt archive for this machine, after checking the archive's SHA-256.
#
#   curl --proto '=https' --tlsv1.2 -fsSL __DOWNLOAD_URL__/lineworks-partner-installer.sh | sh
#
# Settings (environment):
#   LINEWORKS_PARTNER_INSTALL_DIR  where the programs go (default: $HOME/.local/bin)
#   LINEWORKS_PARTNER_DIST         where the archives come from instead of the release: an
#                                  https:// or file:// URL, or a folder (to test a local build)
set -eu

version='__VERSION__'
base="${LINEWORKS_PARTNER_DIST:-__DOWNLOAD_URL__}"
base="${base%/}"

say() { printf 'lineworks-partner installer: %s\n' "$*" >&2; }
fail() {
  say "error: $*"
  exit 1
}

if [ -n "${LINEWORKS_PARTNER_INSTALL_DIR:-}" ]; then
  dest="$LINEWORKS_PARTNER_INSTALL_DIR"
elif [ -n "${HOME:-}" ]; then
  dest="$HOME/.local/bin"
else
  fail "HOME is not set: set LINEWORKS_PARTNER_INSTALL_DIR to the folder to install into"
fi

fallback='install from source with: cargo install lineworks-partner-cli'
case "$(uname -s)" in
  Linux) os=unknown-linux-gnu ;;
  Darwin) os=apple-darwin ;;
  *) fail "no prebuilt binary for $(uname -s) (on Windows use the PowerShell installer); $fallback" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) fail "no prebuilt binary for $(uname -m); $fallback" ;;
esac
target="$arch-$os"
archive="lineworks-partner-$target.tar.gz"

# Only an https download (certificate checked) or a local file: never plain http.
fetch() {
  case "$base" in
    https://*)
      if command -v curl >/dev/null 2>&1; then
        curl --proto '=https' --tlsv1.2 -fsSL "$base/$1" -o "$2"
      elif command -v wget >/dev/null 2>&1; then
        wget --https-only -q -O "$2" "$base/$1"
      else
        fail "neither curl nor wget is installed"
      fi
      ;;
    file://*) cp "${base#file://}/$1" "$2" ;;
    *://*) fail "only https:// or file:// sources are used, not $base" ;;
    *) cp "$base/$1" "$2" ;;
  esac
}

if command -v sha256sum >/dev/null 2>&1; then
  hasher='sha256sum'
elif command -v shasum >/dev/null 2>&1; then
  hasher='shasum -a 256'
else
  fail "neither sha256sum nor shasum is installed: the download cannot be checked"
fi

tmp="$(mktemp -d 2>/dev/null || mktemp -d -t lineworks-partner)"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

say "fetching $archive ($version) from $base"
fetch "$archive" "$tmp/$archive" || fail "could not fetch $base/$archive"
fetch "$archive.sha256" "$tmp/$archive.sha256" || fail "could not fetch $base/$archive.sha256"

expected="$(cut -d ' ' -f 1 <"$tmp/$archive.sha256")"
actual="$($hasher "$tmp/$archive" | cut -d ' ' -f 1)"
case "$expected" in
  *[!0-9a-f]* | '') fail "$archive.sha256 holds no SHA-256; nothing installed" ;;
esac
if [ "${#expected}" -ne 64 ] || [ "$actual" != "$expected" ]; then
  fail "checksum mismatch for $archive: expected $expected, got $actual; nothing installed"
fi

tar -xzf "$tmp/$archive" -C "$tmp" || fail "could not unpack $archive"
mkdir -p "$dest" || fail "could not create $dest"
for bin in lineworks-partner lineworks-partner-sandbox; do
  [ -f "$tmp/lineworks-partner-$target/$bin" ] || fail "$archive has no $bin"
done
# Copied beside the old program and renamed over it, so a running copy is never half replaced.
for bin in lineworks-partner lineworks-partner-sandbox; do
  cp "$tmp/lineworks-partner-$target/$bin" "$dest/.$bin.new"
  chmod 755 "$dest/.$bin.new"
  mv -f "$dest/.$bin.new" "$dest/$bin"
done
say "installed lineworks-partner and lineworks-partner-sandbox $version into $dest"
case ":${PATH:-}:" in
  *":$dest:"*) ;;
  *) say "note: $dest is not on your PATH; add it to run lineworks-partner by name" ;;
esac
