"""asyncpg against `wsql serve`: prepared statements with binary results, its introspection of
the json type, and a timeout that cancels the scan (asyncpg sends a cancel request)."""

import asyncio
import json

import asyncpg

from wsql_expect import POOL_QUERY, SLOW_QUERY, Expected, check, check_pool, check_version, done, wait_for_go


async def main():
    expected = Expected()
    conn = await asyncpg.connect(host=expected.host, port=expected.port, user="wsql", database="wsql")
    version = await conn.fetchval("SELECT version()")
    info = conn.get_server_version()
    # asyncpg reads 16.6 as 16.0.6, as Postgres numbers releases since 10.
    check_version(version, info.major * 10000 + info.micro)
    # asyncpg hands json back as text unless told otherwise: a codec, as its users set one.
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
    statement = await conn.prepare(POOL_QUERY.format(param="$1"))
    check_pool(expected, *(await statement.fetchrow(expected.pool_id)))
    check(await conn.fetchval("SELECT count(*) FROM workspaces_pools") == expected.pools, "count")
    setting = await conn.fetchval("SELECT current_setting($1)", "server_version_num")
    check(setting == "160006", f"current_setting: {setting!r}")

    wait_for_go()
    try:
        await conn.fetch(SLOW_QUERY, timeout=1.0)
        check(False, "the scan was not cancelled")
    except asyncio.TimeoutError:
        pass
    check(await conn.fetchval("SELECT 1") == 1, "after the cancel")
    await conn.close()


asyncio.run(main())
done()
