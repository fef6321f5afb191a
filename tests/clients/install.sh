#!/usr/bin/env bash
# Installs the clients nobody here wrote that the tests drive, once, into $WSQL_CLIENTS
# (default ~/.cache/wsql-clients): a Python virtual environment (requirements.txt: the AWS CLI,
# botocore, psycopg, psycopg2, asyncpg, SQLAlchemy, pandas), node-postgres (package.json) and,
# from the OS packages, a JDK, the PostgreSQL JDBC driver and psql. Running it again installs only
# what is missing or changed. The tests find the clients through $WSQL_CLIENTS too, and fail
# (never skip) when one is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${WSQL_CLIENTS:-$HOME/.cache/wsql-clients}"
mkdir -p "$dir"
say() { printf 'tests/clients: %s\n' "$*"; }

# Python: a virtual environment, rebuilt when requirements.txt changes.
if ! cmp -s "$here/requirements.txt" "$dir/venv/requirements.txt" 2>/dev/null; then
    say "Python clients into $dir/venv"
    rm -rf "$dir/venv"
    python3 -m venv "$dir/venv"
    "$dir/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$dir/venv/requirements.txt"
fi

# Node: node-postgres, reinstalled when package.json changes.
if ! cmp -s "$here/package.json" "$dir/node/package.json" 2>/dev/null; then
    command -v npm >/dev/null || { say "npm is missing: install Node.js (apt-get install nodejs npm)"; exit 1; }
    say "node-postgres into $dir/node"
    rm -rf "$dir/node"
    mkdir -p "$dir/node"
    cp "$here/package.json" "$dir/node/package.json"
    (cd "$dir/node" && npm install --silent --no-audit --no-fund)
fi

# Java (a JDK and the JDBC driver) and psql, from the OS packages.
jar=/usr/share/java/postgresql.jar
if ! command -v javac >/dev/null || [ ! -f "$jar" ] || ! command -v psql >/dev/null; then
    say "a JDK, the PostgreSQL JDBC driver and psql (apt-get)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        default-jdk-headless libpostgresql-jdbc-java postgresql-client >/dev/null
fi
say "ready in $dir"
