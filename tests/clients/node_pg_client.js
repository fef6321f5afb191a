// node-postgres against `wsql serve`: a parameterised query (the extended protocol), json parsed
// into objects, timestamptz as Date, and client.cancel() stopping a scan. The Rust test
// (tests/suite/serve/clients.rs) passes where the server listens and the oracle (WSQL_EXPECT_*)
// in the environment, and answers `go` on stdin once the emulator is slowed down for the cancel.
'use strict'

const readline = require('readline')
const { Client, Query } = require('pg')

const env = process.env
const expected = {
  pools: Number(env.WSQL_EXPECT_POOLS),
  poolId: env.WSQL_EXPECT_POOL_ID,
  poolName: env.WSQL_EXPECT_POOL_NAME,
  owner: env.WSQL_EXPECT_OWNER,
  createdAtMs: Math.floor(Number(env.WSQL_EXPECT_CREATED_AT_US) / 1000),
  desired: Number(env.WSQL_EXPECT_DESIRED),
  errorCodes: env.WSQL_EXPECT_ERROR_CODES.split(',').filter((c) => c),
}
const config = { host: env.WSQL_HOST, port: Number(env.WSQL_PORT), user: 'wsql', database: 'wsql' }

function check(condition, what) {
  if (!condition) {
    console.error(`FAILED: ${what}`)
    process.exit(1)
  }
}

function goSignal() {
  console.log('ready to cancel')
  const lines = readline.createInterface({ input: process.stdin })
  return new Promise((resolve) => lines.once('line', (line) => { lines.close(); resolve(line.trim()) }))
}

async function main() {
  const client = new Client(config)
  await client.connect()
  const version = (await client.query('SELECT version()')).rows[0].version
  check(version.startsWith('PostgreSQL 16.6 (wsql '), `version() ${version}`)
  const setting = (await client.query("SELECT current_setting('server_version_num') AS v")).rows[0].v
  check(setting === '160006', `current_setting ${setting}`)

  const pool = await client.query(
    "SELECT pool_name, created_at, desired_user_sessions, errors, tags, tags->>'owner' AS owner " +
      'FROM workspaces_pools WHERE pool_id = $1',
    [expected.poolId],
  )
  check(pool.rows.length === 1, `rows ${pool.rows.length}`)
  const row = pool.rows[0]
  check(row.pool_name === expected.poolName, `pool_name ${row.pool_name}`)
  check(row.created_at instanceof Date, 'created_at is a Date')
  check(row.created_at.getTime() === expected.createdAtMs, `created_at ${row.created_at.toISOString()}`)
  check(row.desired_user_sessions === expected.desired, `desired ${row.desired_user_sessions}`)
  check(Array.isArray(row.errors), 'errors is an array')
  check(JSON.stringify(row.errors.map((e) => e.error_code)) === JSON.stringify(expected.errorCodes), 'errors')
  check(row.tags.owner === expected.owner, `tags ${JSON.stringify(row.tags)}`)
  check(row.owner === expected.owner, `tags->>'owner' ${row.owner}`)
  const count = (await client.query('SELECT count(*) AS n FROM workspaces_pools')).rows[0].n
  check(Number(count) === expected.pools, `count ${count}`)

  check((await goSignal()) === 'go', 'the test said go')
  const query = client.query(new Query('SELECT * FROM workspaces_pools'))
  const cancelled = new Promise((resolve) => {
    query.on('error', resolve)
    query.on('end', () => resolve(null))
  })
  // node-postgres's own cancel: a second connection sends the cancel request.
  setTimeout(() => new Client(config).cancel(client, query), 1000)
  const error = await cancelled
  check(error !== null, 'the scan was not cancelled')
  check(error.code === '57014', `cancel error ${error && error.code} ${error && error.message}`)
  const after = (await client.query('SELECT 1::int AS one')).rows
  check(after.length === 1 && after[0].one === 1, `after the cancel: ${JSON.stringify(after)}`)
  await client.end()
  console.log('ok')
  // The cancel request's connection is the server's to close: do not wait for it.
  process.exit(0)
}

main().catch((error) => {
  console.error(`FAILED: ${error.stack || error}`)
  process.exit(1)
})
