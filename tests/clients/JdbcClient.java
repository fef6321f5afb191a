// The PostgreSQL JDBC driver against `wsql serve`: DatabaseMetaData (getTables, getColumns with
// REMARKS, the product version), a PreparedStatement, the types (timestamptz, int, json as
// text), and Statement.cancel() stopping a scan. Compiled and run by the Rust test
// (tests/suite/serve/clients.rs), which passes where the server listens and the oracle
// (WSQL_EXPECT_*) in the environment, and answers `go` on stdin once the emulator is slowed
// down for the cancel.

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

public class JdbcClient {
    static void check(boolean condition, String what) {
        if (!condition) {
            System.err.println("FAILED: " + what);
            System.exit(1);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String url = "jdbc:postgresql://" + env.get("WSQL_HOST") + ":" + env.get("WSQL_PORT") + "/wsql";
        try (Connection conn = DriverManager.getConnection(url, "wsql", "")) {
            DatabaseMetaData meta = conn.getMetaData();
            check(meta.getDatabaseProductVersion().startsWith("16.6"), "product version " + meta.getDatabaseProductVersion());
            check(meta.getDatabaseMajorVersion() == 16, "major version");

            boolean pools = false;
            try (ResultSet tables = meta.getTables(null, "public", "%", new String[] {"TABLE"})) {
                while (tables.next()) {
                    pools |= tables.getString("TABLE_NAME").equals("workspaces_pools");
                    check(tables.getString("REMARKS") != null, "table remarks of " + tables.getString("TABLE_NAME"));
                }
            }
            check(pools, "getTables lists workspaces_pools");
            boolean views = false;
            try (ResultSet tables = meta.getTables(null, "public", "fleet_summary", new String[] {"VIEW"})) {
                views = tables.next();
            }
            check(views, "getTables lists the view fleet_summary");

            Map<String, String> remarks = new HashMap<>();
            Map<String, String> types = new HashMap<>();
            try (ResultSet columns = meta.getColumns(null, "public", "workspaces_pools", "%")) {
                while (columns.next()) {
                    remarks.put(columns.getString("COLUMN_NAME"), columns.getString("REMARKS"));
                    types.put(columns.getString("COLUMN_NAME"), columns.getString("TYPE_NAME"));
                }
            }
            check("The identifier of a pool.".equals(remarks.get("pool_id")), "REMARKS of pool_id: " + remarks.get("pool_id"));
            for (Map.Entry<String, String> remark : remarks.entrySet()) {
                check(remark.getValue() != null && !remark.getValue().isEmpty(), "REMARKS of " + remark.getKey());
            }
            check("json".equals(types.get("tags")), "TYPE_NAME of tags: " + types.get("tags"));
            check("timestamptz".equals(types.get("created_at")), "TYPE_NAME of created_at: " + types.get("created_at"));

            String sql = "SELECT pool_name, created_at, desired_user_sessions, errors, tags->>'owner' AS owner, "
                + "current_setting('server_version_num') AS version_num FROM workspaces_pools WHERE pool_id = ?";
            try (PreparedStatement statement = conn.prepareStatement(sql)) {
                statement.setString(1, env.get("WSQL_EXPECT_POOL_ID"));
                try (ResultSet row = statement.executeQuery()) {
                    check(row.next(), "the pool is found");
                    check(row.getString("pool_name").equals(env.get("WSQL_EXPECT_POOL_NAME")), "pool_name");
                    OffsetDateTime created = row.getObject("created_at", OffsetDateTime.class);
                    long micros = Long.parseLong(env.get("WSQL_EXPECT_CREATED_AT_US"));
                    Instant expected = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
                    check(created.toInstant().equals(expected), "created_at " + created + " != " + expected);
                    check(row.getInt("desired_user_sessions") == Integer.parseInt(env.get("WSQL_EXPECT_DESIRED")), "desired");
                    String errors = row.getString("errors");
                    for (String code : env.get("WSQL_EXPECT_ERROR_CODES").split(",")) {
                        check(errors.contains(code), "errors " + errors);
                    }
                    check(row.getString("owner").equals(env.get("WSQL_EXPECT_OWNER")), "owner");
                    check(row.getString("version_num").equals("160006"), "current_setting");
                    check(!row.next(), "one row");
                }
            }
            try (Statement statement = conn.createStatement();
                 ResultSet count = statement.executeQuery("SELECT count(*) FROM workspaces_pools")) {
                check(count.next() && count.getLong(1) == Long.parseLong(env.get("WSQL_EXPECT_POOLS")), "count");
            }

            // A fetch size pages the result through a suspended portal (autocommit off).
            conn.setAutoCommit(false);
            try (Statement statement = conn.createStatement()) {
                statement.setFetchSize(100);
                long rows = 0;
                try (ResultSet ids = statement.executeQuery("SELECT pool_id FROM workspaces_pools")) {
                    while (ids.next()) {
                        rows++;
                    }
                }
                check(rows == Long.parseLong(env.get("WSQL_EXPECT_POOLS")), "rows fetched 100 at a time: " + rows);
            }
            conn.commit();
            conn.setAutoCommit(true);

            System.out.println("ready to cancel");
            String go = new BufferedReader(new InputStreamReader(System.in)).readLine();
            check("go".equals(go), "the test said " + go);
            try (Statement statement = conn.createStatement()) {
                Thread canceller = new Thread(() -> {
                    try {
                        Thread.sleep(1000);
                        statement.cancel();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                canceller.start();
                try (ResultSet rows = statement.executeQuery("SELECT * FROM workspaces_pools")) {
                    while (rows.next()) {
                        // read until the cancel lands
                    }
                    check(false, "the scan was not cancelled");
                } catch (SQLException e) {
                    check("57014".equals(e.getSQLState()), "cancel: " + e.getSQLState() + " " + e.getMessage());
                }
                canceller.join();
            }
            try (Statement statement = conn.createStatement();
                 ResultSet one = statement.executeQuery("SELECT 1")) {
                check(one.next() && one.getInt(1) == 1, "after the cancel");
            }
        }
        System.out.println("ok");
    }
}
