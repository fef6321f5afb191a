"""SQLAlchemy (psycopg 3 dialect) and pandas against `wsql serve`: the engine connects (it parses
version()), the inspector lists tables and views and reads columns with their comments, pandas
reads a parameterised query, and statement_timeout cancels a scan."""

import pandas
import sqlalchemy
from sqlalchemy import inspect, text

from wsql_expect import POOL_QUERY, SLOW_QUERY, Expected, check, check_pool, done, wait_for_go

expected = Expected()
engine = sqlalchemy.create_engine(expected.url("psycopg"))
inspector = inspect(engine)
check(engine.dialect.server_version_info[:2] == (16, 6), f"version {engine.dialect.server_version_info}")
tables = inspector.get_table_names()
check("workspaces_pools" in tables and "workspaces" in tables, f"tables {tables}")
views = inspector.get_view_names()
check("fleet_summary" in views, f"views {views}")
columns = {c["name"]: c for c in inspector.get_columns("workspaces_pools")}
check(columns["pool_id"]["comment"] == "The identifier of a pool.", f"pool_id {columns['pool_id']}")
check(all(c["comment"] for c in columns.values()), "every column has a comment")
check(isinstance(columns["tags"]["type"], sqlalchemy.JSON), f"tags type {columns['tags']['type']!r}")
check(isinstance(columns["created_at"]["type"], sqlalchemy.TIMESTAMP), "created_at type")
check(columns["created_at"]["type"].timezone, "created_at has a time zone")
check(not columns["pool_id"]["nullable"], "pool_id is not nullable")
comment = inspector.get_table_comment("workspaces_pools")["text"]
check("DescribeWorkspacesPools" in comment, f"table comment {comment!r}")

frame = pandas.read_sql(
    text(POOL_QUERY.format(param=":pool_id")), engine, params={"pool_id": expected.pool_id}
)
check(len(frame) == 1, f"rows {len(frame)}")
row = frame.iloc[0]
check_pool(
    expected,
    row["pool_name"],
    row["created_at"].to_pydatetime(),
    int(row["desired_user_sessions"]),
    row["errors"],
    row["tags"],
    row["owner"],
    row["first_error"],
)
counts = pandas.read_sql("SELECT state, count(*) AS pools FROM workspaces_pools GROUP BY state", engine)
check(int(counts["pools"].sum()) == expected.pools, "pandas counts")

with engine.connect() as conn:
    conn.exec_driver_sql("SET statement_timeout = '1s'")
    wait_for_go()
    try:
        conn.execute(text(SLOW_QUERY)).fetchall()
        check(False, "the scan was not cancelled")
    except sqlalchemy.exc.OperationalError as error:
        check("canceling statement due to statement timeout" in str(error), f"timeout: {error}")
done()
