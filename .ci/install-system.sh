#!/usr/bin/env bash
# Debian packages the tests need: Chromium for the webview and VS Code tests, redis-server for
# the distributed-sweep tests (they start their own on a loopback port; no system service), and a
# CJK font so the zh-CN pass of the UI test screenshots Chinese instead of boxes (WenQuanYi Micro
# Hei: 1.6 MB download, against 7.5 MB for fonts-wqy-zenhei and 57 MB for fonts-noto-cjk).
# Idempotent: installs only what is missing, so developers can run it too.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/redis-server ] || need+=(redis-server)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing: ${need[*]}"
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages ready"
