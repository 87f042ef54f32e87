#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, the last release whose engines.node is 20) from
# the npm registry into a cache folder outside the repo, for the real-VS Code tests. Reuses the
# cache when present. Nothing is downloaded from anywhere but npm and Debian.
set -euo pipefail
CACHE=${MODELWRIGHT_E2E_CACHE:-$HOME/.cache/modelwright-e2e}
CS_VERSION=4.100.3
RG_PKG_VERSION=1.15.11   # @vscode/ripgrep version pinned by code-server 4.100.3's VS Code
RG_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
if [ -x "$CACHE/cs/node_modules/.bin/code-server" ] && [ -f "$CACHE/cs/.complete-$CS_VERSION" ]; then
	echo "code-server $CS_VERSION cached in $CACHE"
	exit 0
fi
need=()
for p in build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
export TMPDIR="$CACHE/tmp"
# @vscode/ripgrep's postinstall looks in $TMPDIR/vscode-ripgrep-cache-<version>/<asset> before going to
# GitHub (unreachable here): give it Debian's rg in the tarball it expects.
mkdir -p "$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION" "$CACHE/cs"
tar czf "$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" -C /usr/bin rg
cd "$CACHE/cs"
[ -f package.json ] || echo '{"name":"modelwright-e2e-code-server","private":true}' > package.json
export npm_config_unsafe_perm=true   # code-server's postinstall refuses root otherwise
export npm_config_yes=true           # node-pty's postinstall runs `npx node-gyp`
npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION"
touch ".complete-$CS_VERSION"
echo "code-server $CS_VERSION installed in $CACHE"
