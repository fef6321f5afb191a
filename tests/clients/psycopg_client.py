"""psycopg 3 against `wsql serve`: the simple protocol (client-side binding), server-side
parameters with binary results, json as lists and dicts, the catalog psycopg reads (TypeInfo),
SHOW and current_setting, and conn.cancel() stopping a scan."""

import threading
import time

import psycopg
from psycopg.types import TypeInfo

from wsql_expect import POOL_QUERY, SLOW_QUERY, Expected, check, check_pool, check_version, done, wait_for_go

expected = Expected()
with psycopg.connect(expected.dsn(), autocommit=True) as conn:
    version = conn.execute("SELECT version()").fetchone()[0]
    check_version(version, conn.info.server_version)
    check(conn.info.parameter_status("server_version").startswith("16.6 (wsql "), "server_version parameter")
    check(conn.execute("SHOW server_version_num").fetchone()[0] == "160006", "SHOW server_version_num")
    setting = conn.execute("SELECT current_setting('standard_conforming_strings')").fetchone()[0]
    check(setting == "on", f"current_setting: {setting!r}")
    # What psycopg asks of the catalog for a type: json is known, hstore is not.
    check(TypeInfo.fetch(conn, "json").oid == 114, "TypeInfo json")
    check(TypeInfo.fetch(conn, "hstore") is None, "TypeInfo hstore")

    # Server-side parameter, binary results.
    with conn.cursor(binary=True) as cur:
        cur.execute(POOL_QUERY.format(param="%s"), [expected.pool_id])
        check_pool(expected, *cur.fetchone())
    # Simple protocol: the parameter bound on the client.
    with psycopg.ClientCursor(conn) as cur:
        cur.execute(POOL_QUERY.format(param="%s"), [expected.pool_id])
        check_pool(expected, *cur.fetchone())
    count = conn.execute("SELECT count(*) FROM workspaces_pools").fetchone()[0]
    check(count == expected.pools, f"count {count}")
    has_owner = conn.execute(
        "SELECT count(*) FROM workspaces_pools WHERE tags ? 'owner' AND tags->>'owner' = %s", [expected.owner]
    ).fetchone()[0]
    check(has_owner >= 1, f"tags ? 'owner': {has_owner}")

    wait_for_go()
    threading.Timer(1.0, conn.cancel).start()
    started = time.monotonic()
    try:
        conn.execute(SLOW_QUERY).fetchall()
        check(False, "the scan was not cancelled")
    except psycopg.errors.QueryCanceled as error:
        check("canceling statement due to user request" in str(error), f"cancel: {error}")
    # The connection is still usable.
    check(conn.execute("SELECT 1").fetchone()[0] == 1, "after the cancel")
done()
