"""psycopg2 against `wsql serve`: client-side parameters (the simple protocol), json as lists
and dicts, and conn.cancel() stopping a scan."""

import threading

import psycopg2
import psycopg2.errors

from wsql_expect import POOL_QUERY, SLOW_QUERY, Expected, check, check_pool, check_version, done, wait_for_go

expected = Expected()
conn = psycopg2.connect(expected.dsn())
conn.autocommit = True
cur = conn.cursor()
cur.execute("SELECT version()")
check_version(cur.fetchone()[0], conn.server_version)
cur.execute("SELECT current_setting('server_version_num')")
check(cur.fetchone()[0] == "160006", "current_setting('server_version_num')")
cur.execute(POOL_QUERY.format(param="%s"), [expected.pool_id])
check_pool(expected, *cur.fetchone())
cur.execute("SELECT count(*) FROM workspaces_pools")
check(cur.fetchone()[0] == expected.pools, "count")

wait_for_go()
threading.Timer(1.0, conn.cancel).start()
try:
    cur.execute(SLOW_QUERY)
    check(False, "the scan was not cancelled")
except psycopg2.errors.QueryCanceled as error:
    check("canceling statement due to user request" in str(error), f"cancel: {error}")
cur.execute("SELECT 1")
check(cur.fetchone()[0] == 1, "after the cancel")
conn.close()
done()
