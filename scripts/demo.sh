#!/usr/bin/env bash
# jixiao main job on a fresh machine: installs jixiao (with the Noto CJK fonts for charts and
# LibreOffice Writer for PDF) and starts the web workbench on the embedded SQLite database with the
# demo projects and one demo login per role (loaded on first start; printed at start).
# Usage: bash scripts/demo.sh [--host 127.0.0.1] [--port 8000]
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fonts-noto-cjk >/dev/null
python3 -m pip install -q --disable-pip-version-check .
exec python3 -m jixiao serve --demo "$@"
