#!/usr/bin/env bash
# npm run stop: stop what `npm run demo` started (by PID).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
for p in web workers demo-target; do stop_bg "$p"; done
echo "Perfdeck stopped."
