"""What every Python client script checks against, and the cancel hand-shake.

The Rust test that runs a script (tests/suite/serve/clients.rs) starts `wsql serve` on the
emulator and passes, in the environment, where it listens (WSQL_HOST, WSQL_PORT) and what the
library itself read from the emulator for one pool (WSQL_EXPECT_*): the oracle. Before its cancel,
a script prints `ready to cancel` and waits for a line on stdin: the test slows the emulator down
first, so the cancelled scan takes many seconds and its API calls can be seen to stop.
"""

import datetime
import os
import sys


class Expected:
    """The oracle, from the environment."""

    def __init__(self):
        env = os.environ
        self.host = env["WSQL_HOST"]
        self.port = int(env["WSQL_PORT"])
        self.pools = int(env["WSQL_EXPECT_POOLS"])
        self.pool_id = env["WSQL_EXPECT_POOL_ID"]
        self.pool_name = env["WSQL_EXPECT_POOL_NAME"]
        self.owner = env["WSQL_EXPECT_OWNER"]
        micros = int(env["WSQL_EXPECT_CREATED_AT_US"])
        self.created_at = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(
            microseconds=micros
        )
        self.desired = int(env["WSQL_EXPECT_DESIRED"])
        self.error_codes = [c for c in env["WSQL_EXPECT_ERROR_CODES"].split(",") if c]

    def dsn(self):
        return f"host={self.host} port={self.port} user=wsql dbname=wsql"

    def url(self, driver):
        return f"postgresql+{driver}://wsql@{self.host}:{self.port}/wsql"


# The pool the oracle describes: every client reads it with a parameter.
POOL_QUERY = (
    "SELECT pool_name, created_at, desired_user_sessions, errors, tags, tags->>'owner' AS owner, "
    "errors->0->>'error_code' AS first_error FROM workspaces_pools WHERE pool_id = {param}"
)
# A full scan, slow once the test has slowed the emulator down: the query cancelled.
SLOW_QUERY = "SELECT * FROM workspaces_pools"


def check(condition, what):
    """Fails the script, saying what was wrong."""
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def check_version(version, server_version):
    check(version.startswith("PostgreSQL 16.6 (wsql "), f"version(): {version!r}")
    check("Apache DataFusion" in version, f"version(): {version!r}")
    check(server_version == 160006, f"server version: {server_version!r}")


def check_pool(expected, name, created_at, desired, errors, tags, owner, first_error):
    """The pool as the oracle read it: text, timestamptz, int4, json list and dict, ->> text."""
    check(name == expected.pool_name, f"pool_name {name!r}")
    check(created_at == expected.created_at, f"created_at {created_at!r} != {expected.created_at!r}")
    check(created_at.tzinfo is not None, "created_at has a time zone")
    check(desired == expected.desired and isinstance(desired, int), f"desired {desired!r}")
    check(isinstance(errors, list), f"errors is a list: {errors!r}")
    check([e["error_code"] for e in errors] == expected.error_codes, f"errors {errors!r}")
    check(isinstance(tags, dict) and tags.get("owner") == expected.owner, f"tags {tags!r}")
    check(owner == expected.owner, f"tags->>'owner' {owner!r}")
    check(first_error == (expected.error_codes[0] if expected.error_codes else None), f"first error {first_error!r}")


def wait_for_go():
    """Tells the test the next query is the one to cancel, and waits until it is ready."""
    print("ready to cancel", flush=True)
    line = sys.stdin.readline()
    check(line.strip() == "go", f"the test said {line!r}")


def done():
    print("ok", flush=True)
