#!/usr/bin/env bash
# The main job: `sealpost demo` on its embedded defaults. Installs the pinned pnpm and the
# workspace's dependencies and builds on first run (scripts/setup.sh), then runs the demo.
# Extra arguments go to the demo, e.g. `bash scripts/demo.sh --keep ./demo-out` or `--json`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec apps/cli/dist/sealpost demo "$@"
