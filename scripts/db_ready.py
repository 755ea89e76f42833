"""Exit 0 when the PostgreSQL server in the given URL answers, 1 otherwise."""

import sys

import psycopg

try:
    url = sys.argv[1].replace("/oficina", "/postgres", 1)
    with psycopg.connect(url, connect_timeout=3) as conn:
        conn.execute("select 1")
except Exception as exc:  # any failure means "not usable"
    print(f"PostgreSQL not ready: {exc}", file=sys.stderr)
    sys.exit(1)
