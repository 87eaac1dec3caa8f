#!/usr/bin/env bash
# jixiao test command: installs what the tests need (apt + pip), then runs the whole suite
# twice — on the embedded SQLite and on a real PostgreSQL server that this script starts on
# loopback and stops afterwards. Usage: bash scripts/test.sh [extra pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

echo "== 安装系统依赖（LibreOffice Writer、Noto CJK 字体、PostgreSQL、poppler、Chromium、Java 17 供 Spark） =="
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  libreoffice-writer-nogui fonts-noto-cjk postgresql poppler-utils chromium openjdk-17-jre-headless >/dev/null

echo "== 安装 Python 依赖 =="
python3 -m pip install -q --disable-pip-version-check -e ".[test,spark]"

echo "== ruff =="
python3 -m ruff check .

echo "== 分层约束（import-linter，见 docs/ARCHITECTURE.md） =="
lint-imports --no-cache

export JIXIAO_HOME="$(mktemp -d)"
echo "== 测试：SQLite =="
python3 -m pytest "$@"

echo "== 测试：PostgreSQL（本机回环地址上临时启动） =="
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PG_DIR="$(mktemp -d)"
PG_PORT="${JIXIAO_TEST_PG_PORT:-55432}"
RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$PG_DIR"
  RUN_AS=(runuser -u postgres --)
fi
stop_pg() { "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U jixiao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c full_page_writes=off" start >/dev/null
"${RUN_AS[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U jixiao jixiao
export JIXIAO_DATABASE_URL="postgresql://jixiao@127.0.0.1:$PG_PORT/jixiao"
python3 -m pytest "$@"
