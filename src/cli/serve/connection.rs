//! One client connection: its own DataFusion session over the shared tables and cache, the
//! simple and extended query protocols, and the run of each statement.
//!
//! A statement is planned in the handler (pgwire races that against the client's cancel
//! request) and answered with its rows as a stream ([`rows`]): each batch goes to the client as
//! the scans produce it, and whatever stops the statement (a cancel request, the client going
//! away, `statement_timeout`, the server stopping) drops the stream, which stops the plan's
//! paging and API calls. The statement's warnings, known once its rows are all sent, follow its
//! `CommandComplete` as NOTICEs, before `ReadyForQuery` ([`Connection::send_notices`]).

use std::collections::HashMap;
use std::fmt::Debug;
use std::io;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ParamValues;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::execution::session_state::SessionState;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::Statement;
use datafusion_postgres::QueryHook;
use datafusion_postgres::arrow_pg::datatypes::df::deserialize_parameters;
use datafusion_postgres::arrow_pg::datatypes::into_pg_type;
use datafusion_postgres::datafusion_pg_catalog::sql::PostgresCompatibilityParser;
use datafusion_postgres::pgwire::api::portal::{Format, Portal, PortalExecutionState};
use datafusion_postgres::pgwire::api::query::{
    ExtendedQueryHandler, SimpleQueryHandler, send_execution_response, send_query_response,
    send_ready_for_query,
};
use datafusion_postgres::pgwire::api::results::{FieldInfo, QueryResponse, Response, Tag};
use datafusion_postgres::pgwire::api::stmt::QueryParser;
use datafusion_postgres::pgwire::api::store::{Entry, PortalStore};
use datafusion_postgres::pgwire::api::{
    ClientInfo, ClientPortalStore, ConnectionHandle, DEFAULT_NAME, PgWireConnectionState,
    PgWireServerHandlers, Type,
};
use datafusion_postgres::pgwire::error::{PgWireError, PgWireResult};
use datafusion_postgres::pgwire::messages::PgWireBackendMessage;
use datafusion_postgres::pgwire::messages::extendedquery::{Execute, PortalSuspended};
use datafusion_postgres::pgwire::messages::response::EmptyQueryResponse;
use datafusion_postgres::pgwire::messages::simplequery::Query;
use datafusion_postgres::pgwire::types::format::FormatOptions;
use futures::future::{Either, select};
use futures::{Sink, SinkExt, StreamExt};
use tokio::net::TcpStream;

use super::auth::{Authentication, Startup};
use super::cancel::{CancelSignal, Cancels};
use super::catalog_rewrites;
use super::errors::{ClientErrors, client_error, refused, user_error};
use super::notices::notice;
use super::readonly;
use super::rows::{self, Notices, Running};
use super::types::pg_fields;
use crate::cli::dialect::settings;
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
    /// Cancel requests reach a statement's rows through here.
    pub cancels: Arc<Cancels>,
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
    cancels: Arc<Cancels>,
}

impl Handlers {
    /// Handlers for the client on `socket`; hands back the socket for pgwire to serve. A
    /// duplicate of the socket stays here to notice the client going away mid-statement.
    pub fn accept(server: &Arc<Server>, socket: TcpStream) -> io::Result<(Self, TcpStream)> {
        let socket = socket.into_std()?;
        let peer = Arc::new(TcpStream::from_std(socket.try_clone()?)?);
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
            cancel: OnceLock::new(),
            notices: Arc::new(Mutex::new(Vec::new())),
        });
        let handlers = Handlers {
            connection,
            startup: Arc::new(server.authentication.startup()),
            cancels: Arc::clone(&server.cancels),
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
        Arc::clone(&self.cancels)
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
        let rewritten = catalog_rewrites::before_parsing(sql);
        let statements = self.server.parser.parse(&rewritten).map_err(|error| {
            match readonly::refusal_of_unparsed(sql) {
                Some(refusal) => refused(&refusal),
                None => client_error(&datafusion::error::DataFusionError::SQL(
                    Box::new(error),
                    None,
                )),
            }
        })?;
        Ok(statements
            .into_iter()
            .map(|statement| catalog_rewrites::rewrite(self.show_as_query(statement)))
            .collect())
    }

    /// `SHOW server_version_num` (a setting of the server's, not one the client may set) as
    /// `SELECT current_setting('server_version_num') AS server_version_num`, so `SHOW` and
    /// `current_setting` answer the same ([`settings`]).
    fn show_as_query(&self, statement: Statement) -> Statement {
        if let Statement::ShowVariable { variable } = &statement
            && let [name] = variable.as_slice()
            && settings::is_server_setting(&name.value)
        {
            // Only a known setting's name gets here, so it is safe in the text.
            let name = name.value.to_ascii_lowercase();
            let query = format!("SELECT current_setting('{name}') AS \"{name}\"");
            if let Ok(mut parsed) = self.server.parser.parse(&query)
                && let Some(select) = parsed.pop()
            {
                return select;
            }
        }
        statement
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
    /// The client's socket, for [`rows::peer_closed`] only (pgwire reads and writes its own
    /// handle).
    peer: Arc<TcpStream>,
    /// The connection's cancel requests, once its process id is known (at its first statement).
    cancel: OnceLock<CancelSignal>,
    /// Warnings of finished statements, for [`Connection::send_notices`].
    notices: Notices,
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

    /// Starts `plan`: its rows in `format`, as a stream that runs the statement as the client
    /// reads it.
    async fn run_plan<C>(
        &self,
        client: &mut C,
        plan: LogicalPlan,
        format: &Format,
    ) -> PgWireResult<Response>
    where
        C: ClientInfo + Unpin + Send + Sync,
    {
        readonly::verify_plan(&plan).map_err(|e| client_error(&e))?;
        let options = Arc::new(FormatOptions::from_client_metadata(client.metadata()));
        let fields = Arc::new(pg_fields(plan.schema().as_arrow(), format, options)?);
        let statement = Run::from_logical(&self.session, &plan)
            .await
            .map_err(|e| client_error(&e))?;
        let batches = statement.execute().map_err(|e| client_error(&e))?;
        let running = Running {
            statement,
            batches,
            fields: Arc::clone(&fields),
            deadline: rows::deadline(statement_timeout(client)),
            cancelled: self.cancel_signal(client).watch(),
            peer: Arc::clone(&self.peer),
            notices: Arc::clone(&self.notices),
            debug: self.server.debug,
        };
        Ok(Response::Query(QueryResponse::new(
            fields,
            rows::stream(running),
        )))
    }

    /// The connection's cancel signal, registered under its process id and key on first use.
    fn cancel_signal<C: ClientInfo>(&self, client: &C) -> &CancelSignal {
        self.cancel.get_or_init(|| {
            let (pid, key) = client.pid_and_secret_key();
            self.server.cancels.signal(pid, key)
        })
    }

    /// Sends the warnings of the statements that finished since the last call, as NOTICEs.
    async fn send_notices<C>(&self, client: &mut C) -> PgWireResult<()>
    where
        C: Sink<PgWireBackendMessage> + Unpin + Send,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let warnings = match self.notices.lock() {
            Ok(mut notices) => std::mem::take(&mut *notices),
            Err(_) => Vec::new(),
        };
        for warning in warnings {
            client.feed(notice(warning)).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl SimpleQueryHandler for Connection {
    /// pgwire's `on_query`, with each result's NOTICEs sent after its `CommandComplete` (its
    /// rows have run the statement by then). Results of COPY never occur: the server refuses
    /// COPY.
    async fn on_query<C>(&self, client: &mut C, query: Query) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        if !matches!(client.state(), PgWireConnectionState::ReadyForQuery) {
            return Err(PgWireError::NotReadyForQuery);
        }
        let mut transaction = client.transaction_status();
        client.set_state(PgWireConnectionState::QueryInProgress);
        if query.query.chars().all(|c| c == ';' || c.is_whitespace()) {
            client
                .feed(PgWireBackendMessage::EmptyQueryResponse(
                    EmptyQueryResponse::new(),
                ))
                .await?;
        } else {
            let handle = client.session_extensions().get::<Arc<ConnectionHandle>>();
            let responses = match handle {
                Some(handle) => {
                    let cancel = handle.start_query().await;
                    match select(
                        std::pin::pin!(SimpleQueryHandler::do_query(self, client, &query.query)),
                        cancel,
                    )
                    .await
                    {
                        Either::Left((responses, _)) => responses,
                        Either::Right(_) => Err(PgWireError::QueryCanceled),
                    }
                }
                None => SimpleQueryHandler::do_query(self, client, &query.query).await,
            }?;
            for response in responses {
                match response {
                    Response::EmptyQuery => {
                        client
                            .feed(PgWireBackendMessage::EmptyQueryResponse(
                                EmptyQueryResponse::new(),
                            ))
                            .await?;
                    }
                    Response::Query(results) => {
                        send_query_response(client, results, true).await?;
                        self.send_notices(client).await?;
                    }
                    Response::Execution(tag) => send_execution_response(client, tag).await?,
                    Response::TransactionStart(tag) => {
                        send_execution_response(client, tag).await?;
                        transaction = transaction.to_in_transaction_state();
                    }
                    Response::TransactionEnd(tag) => {
                        send_execution_response(client, tag).await?;
                        transaction = transaction.to_idle_state();
                    }
                    Response::Error(error) => {
                        client
                            .feed(PgWireBackendMessage::ErrorResponse((*error).into()))
                            .await?;
                        transaction = transaction.to_error_state();
                    }
                    Response::CopyIn(_) | Response::CopyOut(_) | Response::CopyBoth(_) => {
                        return Err(refused(&readonly::Refusal::NotReadOnly("COPY".into())));
                    }
                }
            }
        }
        client.set_state(PgWireConnectionState::ReadyForQuery);
        client.set_transaction_status(transaction);
        send_ready_for_query(client, transaction).await
    }

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

    /// pgwire's `on_execute`, with the rows sent as they come (pgwire's own collects a
    /// portal's rows before sending the first) and the statement's NOTICEs after its
    /// `CommandComplete`. `max_rows` (JDBC's fetch size) suspends the portal after that many
    /// rows, its statement paused until the next Execute.
    async fn on_execute<C>(&self, client: &mut C, message: Execute) -> PgWireResult<()>
    where
        C: ClientInfo + ClientPortalStore + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::PortalStore: PortalStore<Statement = Self::Statement>,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        if !matches!(client.state(), PgWireConnectionState::ReadyForQuery) {
            return Err(PgWireError::NotReadyForQuery);
        }
        let mut transaction = client.transaction_status();
        client.set_state(PgWireConnectionState::QueryInProgress);
        let name = message.name.as_deref().unwrap_or(DEFAULT_NAME);
        let max_rows = usize::try_from(message.max_rows).unwrap_or(0);
        let portal = match client.portal_store().get_portal(name) {
            Some(Entry::Value(portal)) => portal,
            Some(Entry::Empty) => {
                client
                    .feed(PgWireBackendMessage::EmptyQueryResponse(
                        EmptyQueryResponse::new(),
                    ))
                    .await?;
                client.set_state(PgWireConnectionState::ReadyForQuery);
                return Ok(());
            }
            None => return Err(PgWireError::PortalNotFound(name.to_owned())),
        };
        let state = portal.state();
        let started = !matches!(*state.lock().await, PortalExecutionState::Initial);
        let has_rows = match started {
            true => true,
            false => {
                let handle = client.session_extensions().get::<Arc<ConnectionHandle>>();
                let response = match handle {
                    Some(handle) => {
                        let cancel = handle.start_query().await;
                        let query = ExtendedQueryHandler::do_query(self, client, &portal, max_rows);
                        match select(std::pin::pin!(query), cancel).await {
                            Either::Left((response, _)) => response,
                            Either::Right(_) => Err(PgWireError::QueryCanceled),
                        }
                    }
                    None => ExtendedQueryHandler::do_query(self, client, &portal, max_rows).await,
                }?;
                match response {
                    Response::Query(results) => {
                        portal.start(results).await;
                        true
                    }
                    Response::EmptyQuery => {
                        client
                            .feed(PgWireBackendMessage::EmptyQueryResponse(
                                EmptyQueryResponse::new(),
                            ))
                            .await?;
                        false
                    }
                    Response::Execution(tag) => {
                        send_execution_response(client, tag).await?;
                        false
                    }
                    Response::TransactionStart(tag) => {
                        send_execution_response(client, tag).await?;
                        transaction = transaction.to_in_transaction_state();
                        false
                    }
                    Response::TransactionEnd(tag) => {
                        send_execution_response(client, tag).await?;
                        transaction = transaction.to_idle_state();
                        client.portal_store().rm_portal(DEFAULT_NAME);
                        false
                    }
                    Response::Error(error) => {
                        client
                            .send(PgWireBackendMessage::ErrorResponse((*error).into()))
                            .await?;
                        transaction = transaction.to_error_state();
                        false
                    }
                    Response::CopyIn(_) | Response::CopyOut(_) | Response::CopyBoth(_) => {
                        return Err(refused(&readonly::Refusal::NotReadOnly("COPY".into())));
                    }
                }
            }
        };
        if has_rows {
            let mut state = state.lock().await;
            match &mut *state {
                PortalExecutionState::Suspended(response) => {
                    let tag = response.command_tag().to_owned();
                    let mut sent = 0;
                    let mut finished = false;
                    while max_rows == 0 || sent < max_rows {
                        match response.data_rows().next().await {
                            Some(row) => {
                                client.feed(PgWireBackendMessage::DataRow(row?)).await?;
                                sent += 1;
                            }
                            None => {
                                finished = true;
                                break;
                            }
                        }
                    }
                    if finished {
                        *state = PortalExecutionState::Finished;
                        let tag = Tag::new(&tag).with_rows(sent);
                        client
                            .feed(PgWireBackendMessage::CommandComplete(tag.into()))
                            .await?;
                        self.send_notices(client).await?;
                    } else {
                        client
                            .feed(PgWireBackendMessage::PortalSuspended(PortalSuspended::new()))
                            .await?;
                    }
                }
                PortalExecutionState::Finished => {
                    let tag = Tag::new("SELECT").with_rows(0);
                    client
                        .feed(PgWireBackendMessage::CommandComplete(tag.into()))
                        .await?;
                }
                PortalExecutionState::Initial => return Err(PgWireError::PortalNotStarted),
            }
        }
        client.set_state(PgWireConnectionState::ReadyForQuery);
        client.set_transaction_status(transaction);
        Ok(())
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

/// The types of `$1`, `$2`, ... by position (`$n` at `n - 1`), as far as DataFusion can tell:
/// from what a parameter is compared with, else from a cast (`$1::INT`), which DataFusion leaves
/// untyped. A parameter the plan does not use (its subquery rewritten away:
/// [`catalog_rewrites`]) is `None`, and the client's own type for it decodes its value.
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
    let mut types: Vec<Option<DataType>> = Vec::new();
    for (id, datatype) in plan.get_parameter_types().map_err(|e| client_error(&e))? {
        let Some(index) = id
            .trim_start_matches('$')
            .parse::<usize>()
            .ok()
            .and_then(|position| position.checked_sub(1))
        else {
            continue;
        };
        if types.len() <= index {
            types.resize(index + 1, None);
        }
        types[index] = datatype.or_else(|| casts.get(&id).cloned());
    }
    Ok(types)
}

/// The client's `statement_timeout`, if it set one.
fn statement_timeout<C: ClientInfo>(client: &C) -> Option<Duration> {
    client
        .metadata()
        .get(STATEMENT_TIMEOUT_MS)
        .and_then(|ms| ms.parse().ok())
        .map(Duration::from_millis)
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

    #[tokio::test]
    async fn a_parameter_the_plan_lost_keeps_its_place() {
        let ctx = SessionContext::new();
        let plan = ctx
            .state()
            .create_logical_plan("SELECT $1::INT, $3::TEXT")
            .await
            .unwrap();
        let types = parameter_types(&plan).unwrap();
        assert_eq!(
            types,
            vec![Some(DataType::Int32), None, Some(DataType::Utf8View)]
        );
    }
}
