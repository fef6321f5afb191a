//! Whose account a target reads: known from the settings (the account a role is assumed in), or
//! that of a set of credentials (a profile's, the default chain's, or the base credentials of a
//! role), whose id is asked of STS `GetCallerIdentity` once, and only when something needs it: a
//! scan that reads or filters on `account_id` or reads several accounts, or a role's listing,
//! which reads the base credentials' own account with them.

use std::sync::Arc;

use aws_config::SdkConfig;
use tokio::sync::OnceCell;

use crate::error::{CallSite, Cause, Error, Result};

/// The account of a target.
#[derive(Debug, Clone)]
pub(crate) enum Identity {
    /// This account id.
    Known(String),
    /// The account of these credentials.
    Caller(Arc<Caller>),
}

impl Identity {
    /// The account id when it is known without a call.
    pub fn known(&self) -> Option<&str> {
        match self {
            Identity::Known(id) => Some(id),
            Identity::Caller(caller) => caller.known(),
        }
    }

    /// What names the account before its id is known: the id, or the profile's name.
    pub fn label(&self) -> &str {
        match self {
            Identity::Known(id) => id,
            Identity::Caller(caller) => &caller.label,
        }
    }

    /// The account id, asked of STS first if it is not known yet.
    pub async fn account_id(&self) -> Result<String> {
        match self {
            Identity::Known(id) => Ok(id.clone()),
            Identity::Caller(caller) => caller.account_id().await,
        }
    }
}

/// A set of credentials, and their account once asked.
#[derive(Debug)]
pub(crate) struct Caller {
    /// The profile's name, or `default`: what identifies the credentials until the id is known.
    label: String,
    config: SdkConfig,
    id: OnceCell<String>,
}

impl Caller {
    /// The credentials of `config`, named `label` until their account is known.
    pub fn new(label: String, config: SdkConfig) -> Self {
        Self {
            label,
            config,
            id: OnceCell::new(),
        }
    }

    /// The account id when it has been asked already.
    pub fn known(&self) -> Option<&str> {
        self.id.get().map(String::as_str)
    }

    /// The account id, asked of STS on first use. Callers asking at once share the call; a
    /// failure is not kept (the next caller asks again).
    pub async fn account_id(&self) -> Result<String> {
        self.id
            .get_or_try_init(|| caller_account(&self.config))
            .await
            .cloned()
    }
}

/// The account of `config`'s credentials.
async fn caller_account(config: &SdkConfig) -> Result<String> {
    const OPERATION: &str = "GetCallerIdentity";
    let region = config.region().ok_or(Error::NoRegion)?.to_string();
    let call = CallSite {
        operation: OPERATION,
        region,
        account: None,
    };
    let output = aws_sdk_sts::Client::new(&super::config::for_service(config, "STS"))
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| Error::from_sdk(call.clone(), None, e))?;
    output.account.ok_or_else(|| Error::UnreadableResponse {
        call,
        cause: Cause::message("GetCallerIdentity named no account"),
    })
}
