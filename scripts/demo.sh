#!/usr/bin/env bash
# jixiao main job on a fresh machine: installs jixiao (with the Noto CJK fonts for charts and
# LibreOffice Writer for PDF) and runs the demo on the embedded SQLite database.
# Usage: bash scripts/demo.sh [output folder, default ./jixiao-demo]
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk >/dev/null
python3 -m pip install -q --disable-pip-version-check .
python3 -m jixiao demo --out "${1:-jixiao-demo}"
