//! One client connection: its own DataFusion session over the shared tables and cache, the
//! simple and extended query protocols, and the run of each statement.
//!
//! A statement runs to completion inside the handler (its batches are collected before the
//! first row is sent) so that everything that can stop it reaches its API calls: pgwire races
//! the handler against the client's cancel request, [`peer_closed`] against the client going
//! away, and `statement_timeout` against the clock; whichever wins drops the plan's streams,
//! which stops their paging. It also lets the statement's warnings go out as NOTICEs before its
//! rows. WorkSpaces results are small (a fleet of thousands of pools is a few MB), so holding
//! one costs little.

use std::collections::HashMap;
use std::fmt::Debug;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ParamValues;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::execution::SendableRecordBatchStream;
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::physical_plan::common::collect as collect_batches;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::Statement;
use datafusion_postgres::QueryHook;
use datafusion_postgres::arrow_pg::datatypes::df::deserialize_parameters;
use datafusion_postgres::arrow_pg::datatypes::into_pg_type;
use datafusion_postgres::datafusion_pg_catalog::sql::PostgresCompatibilityParser;
use datafusion_postgres::pgwire::api::cancel::DefaultCancelHandler;
use datafusion_postgres::pgwire::api::portal::{Format, Portal};
use datafusion_postgres::pgwire::api::query::{ExtendedQueryHandler, SimpleQueryHandler};
use datafusion_postgres::pgwire::api::results::{FieldInfo, Response};
use datafusion_postgres::pgwire::api::stmt::QueryParser;
use datafusion_postgres::pgwire::api::store::PortalStore;
use datafusion_postgres::pgwire::api::{
    ClientInfo, ClientPortalStore, ConnectionManager, PgWireServerHandlers, Type,
};
use datafusion_postgres::pgwire::error::{PgWireError, PgWireResult};
use datafusion_postgres::pgwire::messages::PgWireBackendMessage;
use datafusion_postgres::pgwire::types::format::FormatOptions;
use futures::{Sink, SinkExt};
use tokio::io::Interest;
use tokio::net::TcpStream;

use super::auth::{Authentication, Startup};
use super::errors::{ClientErrors, cancelled, client_error, refused, user_error};
use super::notices::notice;
use super::readonly;
use super::types::{pg_fields, query_response};
use crate::cli::statement::Statement as Run;

/// A statement as the extended protocol keeps it between Parse and Execute: its text, and the
/// parsed statement with its logical plan. The same shape as datafusion-postgres's, whose
/// `SET`/`SHOW`/transaction hooks this server uses.
pub type Prepared = (String, Option<(Statement, LogicalPlan)>);

/// Client metadata key where datafusion-postgres's `SET statement_timeout` hook keeps the
/// timeout, in milliseconds.
const STATEMENT_TIMEOUT_MS: &str = "statement_timeout_ms";

/// What every connection shares.
pub struct Server {
    /// The session every connection starts from: tables (sharing the library's clients and
    /// cache), report views, pg_catalog.
    pub template: SessionState,
    /// Rewrites the catalog queries of psql, DBeaver, Grafana and others into what DataFusion
    /// runs.
    pub parser: PostgresCompatibilityParser,
    /// datafusion-postgres's answers to `SET`, `SHOW` and `BEGIN`/`COMMIT`/`ROLLBACK`.
    pub hooks: Vec<Arc<dyn QueryHook>>,
    /// Passwords, and the registry of connections cancel requests look up.
    pub authentication: Authentication,
    /// Cancel requests find their connection here.
    pub connections: Arc<ConnectionManager>,
    /// `--debug`: each statement's plan and time on stderr.
    pub debug: bool,
}

impl Server {
    /// The hooks that may answer `statement`: none for `SHOW ALL` and `SHOW datafusion.*`,
    /// which DataFusion answers from its settings (the `SHOW` hook only knows Postgres's).
    fn hooks_for(&self, statement: &Statement) -> &[Arc<dyn QueryHook>] {
        match statement {
            Statement::ShowVariable { variable }
                if variable.first().is_some_and(|first| {
                    ["all", "datafusion"].contains(&first.value.to_ascii_lowercase().as_str())
                }) =>
            {
                &[]
            }
            _ => &self.hooks,
        }
    }
}

/// The pgwire handlers of one connection.
pub struct Handlers {
    connection: Arc<Connection>,
    startup: Arc<Startup>,
    cancel: Arc<DefaultCancelHandler>,
}

impl Handlers {
    /// Handlers for the client on `socket`; hands back the socket for pgwire to serve. A
    /// duplicate of the socket stays here to notice the client going away mid-statement.
    pub fn accept(server: &Arc<Server>, socket: TcpStream) -> io::Result<(Self, TcpStream)> {
        let socket = socket.into_std()?;
        let peer = TcpStream::from_std(socket.try_clone()?)?;
        let socket = TcpStream::from_std(socket)?;
        let session = SessionContext::new_with_state(server.template.clone());
        let planner = Arc::new(Planner {
            server: Arc::clone(server),
            session: session.clone(),
        });
        let connection = Arc::new(Connection {
            server: Arc::clone(server),
            session,
            planner,
            peer,
        });
        let handlers = Handlers {
            connection,
            startup: Arc::new(server.authentication.startup()),
            cancel: Arc::new(DefaultCancelHandler::new(Arc::clone(&server.connections))),
        };
        Ok((handlers, socket))
    }
}

impl PgWireServerHandlers for Handlers {
    fn simple_query_handler(&self) -> Arc<impl SimpleQueryHandler> {
        Arc::clone(&self.connection)
    }

    fn extended_query_handler(&self) -> Arc<impl ExtendedQueryHandler> {
        Arc::clone(&self.connection)
    }

    fn startup_handler(&self) -> Arc<impl datafusion_postgres::pgwire::api::auth::StartupHandler> {
        Arc::clone(&self.startup)
    }

    fn error_handler(&self) -> Arc<impl datafusion_postgres::pgwire::api::ErrorHandler> {
        Arc::new(ClientErrors)
    }

    fn cancel_handler(&self) -> Arc<impl datafusion_postgres::pgwire::api::cancel::CancelHandler> {
        Arc::clone(&self.cancel)
    }
}

/// Parses and plans statements in one connection's session.
pub struct Planner {
    server: Arc<Server>,
    session: SessionContext,
}

impl Planner {
    /// The statements of `sql`, as the Postgres dialect (with the client-compatibility
    /// rewrites) reads them. Text that does not parse and is not a read is refused as such.
    fn parse(&self, sql: &str) -> PgWireResult<Vec<Statement>> {
        self.server
            .parser
            .parse(sql)
            .map_err(|error| match readonly::refusal_of_unparsed(sql) {
                Some(refusal) => refused(&refusal),
                None => client_error(&datafusion::error::DataFusionError::SQL(
                    Box::new(error),
                    None,
                )),
            })
    }

    /// The logical plan of `statement`, checked read-only by DataFusion too.
    async fn plan(&self, statement: &Statement) -> PgWireResult<LogicalPlan> {
        let plan = self
            .session
            .state()
            .statement_to_plan(DfStatement::Statement(Box::new(statement.clone())))
            .await
            .map_err(|e| client_error(&e))?;
        readonly::verify_plan(&plan).map_err(|e| client_error(&e))?;
        Ok(plan)
    }
}

#[async_trait]
impl QueryParser for Planner {
    type Statement = Prepared;

    async fn parse_sql<C>(
        &self,
        client: &C,
        sql: &str,
        _types: &[Option<Type>],
    ) -> PgWireResult<Option<Prepared>>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        let mut statements = self.parse(sql)?;
        if statements.len() > 1 {
            return Err(user_error(
                "ERROR",
                "42601",
                "cannot insert multiple commands into a prepared statement".to_string(),
            ));
        }
        let Some(statement) = statements.pop() else {
            return Ok(None);
        };
        readonly::check(&statement).map_err(|r| refused(&r))?;
        for hook in self.server.hooks_for(&statement) {
            if let Some(plan) = hook
                .handle_extended_parse_query(&statement, &self.session, client)
                .await
            {
                return Ok(Some((sql.to_string(), Some((statement, plan?)))));
            }
        }
        let plan = self.plan(&statement).await?;
        Ok(Some((sql.to_string(), Some((statement, plan)))))
    }

    fn get_parameter_types(&self, prepared: &Prepared) -> PgWireResult<Vec<Type>> {
        let (_, Some((_, plan))) = prepared else {
            return Ok(Vec::new());
        };
        parameter_types(plan)?
            .iter()
            .map(|datatype| match datatype {
                Some(datatype) => into_pg_type(datatype),
                None => Ok(Type::UNKNOWN),
            })
            .collect()
    }

    fn get_result_schema(
        &self,
        prepared: &Prepared,
        format: Option<&Format>,
    ) -> PgWireResult<Vec<FieldInfo>> {
        let (_, Some((_, plan))) = prepared else {
            return Ok(Vec::new());
        };
        pg_fields(
            plan.schema().as_arrow(),
            format.unwrap_or(&Format::UnifiedText),
            Arc::new(FormatOptions::default()),
        )
    }
}

/// One client's session.
pub struct Connection {
    server: Arc<Server>,
    session: SessionContext,
    planner: Arc<Planner>,
    /// The client's socket, for [`peer_closed`] only (pgwire reads and writes its own handle).
    peer: TcpStream,
}

impl Connection {
    /// Runs one statement of a simple query.
    async fn run_statement<C>(
        &self,
        client: &mut C,
        statement: &Statement,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        readonly::check(statement).map_err(|r| refused(&r))?;
        for hook in self.server.hooks_for(statement) {
            if let Some(response) = hook
                .handle_simple_query(statement, &self.session, client)
                .await
            {
                return response;
            }
        }
        let plan = self.planner.plan(statement).await?;
        self.run_plan(client, plan, &Format::UnifiedText).await
    }

    /// Runs `plan` to completion, sends its warnings as NOTICEs, and answers its rows in
    /// `format`.
    async fn run_plan<C>(
        &self,
        client: &mut C,
        plan: LogicalPlan,
        format: &Format,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        readonly::verify_plan(&plan).map_err(|e| client_error(&e))?;
        let options = Arc::new(FormatOptions::from_client_metadata(client.metadata()));
        let fields = pg_fields(plan.schema().as_arrow(), format, options)?;
        let timeout = statement_timeout(client);

        let statement = Run::from_logical(&self.session, &plan)
            .await
            .map_err(|e| client_error(&e))?;
        let outcome = tokio::select! {
            result = collect_stream(statement.execute()) => result.map_err(|e| client_error(&e)),
            () = expiry(timeout) => Err(cancelled("statement timeout")),
            () = peer_closed(&self.peer) => Err(user_error(
                "FATAL",
                "08006",
                "the client closed the connection".to_string(),
            )),
        };
        let warnings = statement.warnings();
        if self.server.debug {
            eprint!("{}", statement.debug_report());
        }

        let batches = outcome?;
        for warning in warnings {
            client.feed(notice(warning)).await?;
        }
        Ok(Response::Query(query_response(fields, batches)?))
    }
}

#[async_trait]
impl SimpleQueryHandler for Connection {
    async fn do_query<C>(&self, client: &mut C, query: &str) -> PgWireResult<Vec<Response>>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let statements = self.planner.parse(query)?;
        if statements.is_empty() {
            return Ok(vec![Response::EmptyQuery]);
        }
        let mut responses = Vec::with_capacity(statements.len());
        for statement in &statements {
            match self.run_statement(client, statement).await {
                Ok(response) => responses.push(response),
                // Like Postgres: the statements before answer, the failing one errs, the rest
                // do not run.
                Err(error) if responses.is_empty() => return Err(error),
                Err(error) => {
                    responses.push(Response::Error(Box::new(error.into())));
                    break;
                }
            }
        }
        Ok(responses)
    }
}

#[async_trait]
impl ExtendedQueryHandler for Connection {
    type Statement = Prepared;
    type QueryParser = Planner;

    fn query_parser(&self) -> Arc<Planner> {
        Arc::clone(&self.planner)
    }

    async fn do_query<C>(
        &self,
        client: &mut C,
        portal: &Portal<Prepared>,
        _max_rows: usize,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Prepared>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let (_, Some((statement, plan))) = &portal.statement.statement else {
            return Ok(Response::EmptyQuery);
        };
        let no_parameters = ParamValues::List(Vec::new());
        for hook in self.server.hooks_for(statement) {
            if let Some(response) = hook
                .handle_extended_query(statement, plan, &no_parameters, &self.session, client)
                .await
            {
                return response;
            }
        }
        let types = parameter_types(plan)?;
        let types: Vec<Option<&DataType>> = types.iter().map(Option::as_ref).collect();
        let parameters = deserialize_parameters(portal, &types)?;
        let plan = plan
            .clone()
            .replace_params_with_values(&parameters)
            .map_err(|e| client_error(&e))?;
        self.run_plan(client, plan, &portal.result_column_format)
            .await
    }
}

/// Every batch of a started statement.
async fn collect_stream(
    stream: datafusion::error::Result<SendableRecordBatchStream>,
) -> datafusion::error::Result<Vec<datafusion::arrow::record_batch::RecordBatch>> {
    collect_batches(stream?).await
}

/// The types of `$1`, `$2`, ... in order, as far as DataFusion can tell: from what a
/// parameter is compared with, else from a cast (`$1::INT`), which DataFusion leaves untyped.
fn parameter_types(plan: &LogicalPlan) -> PgWireResult<Vec<Option<DataType>>> {
    let mut casts = HashMap::new();
    plan.apply(|node| {
        node.apply_expressions(|expr| {
            expr.apply(|e| {
                if let Expr::Cast(cast) = e
                    && let Expr::Placeholder(placeholder) = cast.expr.as_ref()
                {
                    casts.insert(placeholder.id.clone(), cast.field.data_type().clone());
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })
    })
    .map_err(|e| client_error(&e))?;
    let mut types: Vec<(usize, Option<DataType>)> = plan
        .get_parameter_types()
        .map_err(|e| client_error(&e))?
        .into_iter()
        .map(|(id, datatype)| {
            let position = id.trim_start_matches('$').parse().unwrap_or(usize::MAX);
            (position, datatype.or_else(|| casts.get(&id).cloned()))
        })
        .collect();
    types.sort_by_key(|(position, _)| *position);
    Ok(types.into_iter().map(|(_, datatype)| datatype).collect())
}

/// The client's `statement_timeout`, if it set one.
fn statement_timeout<C: ClientInfo>(client: &C) -> Option<Duration> {
    client
        .metadata()
        .get(STATEMENT_TIMEOUT_MS)
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis)
}

/// Resolves after `timeout`, or never.
async fn expiry(timeout: Option<Duration>) {
    match timeout {
        Some(timeout) => tokio::time::sleep(timeout).await,
        None => std::future::pending().await,
    }
}

/// Resolves once the client has closed its end of the connection (or the socket failed).
///
/// The socket reports that even while unread messages wait in it (a client that closes sends
/// Terminate first): epoll's `RDHUP`, which tokio shows as read-closed. Readiness without it is
/// a message pgwire will read after the statement, so it is cleared and waited past.
async fn peer_closed(peer: &TcpStream) {
    loop {
        match peer.ready(Interest::READABLE).await {
            Ok(ready) if ready.is_read_closed() || ready.is_error() => return,
            Ok(_) => {
                let _ = peer.try_io(Interest::READABLE, || {
                    Err::<(), _>(io::Error::from(io::ErrorKind::WouldBlock))
                });
            }
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn parameters_come_in_numeric_order() {
        let ctx = SessionContext::new();
        let columns: Vec<String> = (1..=10)
            .map(|n| format!("${n}::{}", ["INT", "TEXT"][n % 2]))
            .collect();
        let sql = format!(
            "SELECT {}",
            columns.iter().rev().cloned().collect::<Vec<_>>().join(", ")
        );
        let plan = ctx.state().create_logical_plan(&sql).await.unwrap();
        let types = parameter_types(&plan).unwrap();
        assert_eq!(types.len(), 10);
        assert_eq!(types[0], Some(DataType::Utf8View), "$1");
        assert_eq!(types[1], Some(DataType::Int32), "$2");
        assert_eq!(
            types[9],
            Some(DataType::Int32),
            "$10 comes last, not after $1"
        );
    }
}
