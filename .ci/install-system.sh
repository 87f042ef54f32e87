#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the webview and VS Code tests, redis-server for
# the distributed-sweep tests (they start their own on a loopback port; no system service).
# Idempotent: installs only what is missing, so developers can run it too.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing: ${need[*]}"
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages ready"
