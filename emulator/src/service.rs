//! The three services one endpoint serves, and how a request says which one it is for.
//!
//! WorkSpaces and Organizations speak awsJson1_1 (`X-Amz-Target: <prefix>.<Operation>`), STS
//! speaks awsQuery (a form body with `Action=<Operation>`). A request is routed by its
//! `X-Amz-Target` prefix, else by a form body (STS is the only awsQuery service here), else it is
//! a WorkSpaces request, as every request was before the other two services existed. The SigV4
//! credential scope must then name the same service (`auth.rs`).

/// A service of the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// Amazon WorkSpaces: the fleets.
    Workspaces,
    /// AWS STS: `AssumeRole` and `GetCallerIdentity`.
    Sts,
    /// AWS Organizations: `ListAccounts`.
    Organizations,
}

/// How a service puts requests, answers and errors on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// awsJson1_1; errors are `{"__type": ..., <message_member>: ...}`.
    Json {
        /// `message` for WorkSpaces, `Message` for Organizations, as their models spell it.
        message_member: &'static str,
    },
    /// awsQuery: form-encoded requests, XML answers and errors.
    Query,
}

const WORKSPACES_TARGET: &str = "WorkspacesService.";
const ORGANIZATIONS_TARGET: &str = "AWSOrganizationsV20161128.";

impl Service {
    /// The service a request is for, from its `X-Amz-Target` and `Content-Type` headers.
    pub(crate) fn of_request(target: Option<&str>, content_type: Option<&str>) -> Service {
        if target.is_some_and(|t| t.starts_with(ORGANIZATIONS_TARGET)) {
            return Service::Organizations;
        }
        let form = content_type.is_some_and(|c| {
            c.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if target.is_none() && form {
            return Service::Sts;
        }
        Service::Workspaces
    }

    /// The service's SigV4 signing name, which the credential scope must carry; also its name in
    /// the request log.
    pub(crate) fn signing_name(self) -> &'static str {
        match self {
            Service::Workspaces => "workspaces",
            Service::Sts => "sts",
            Service::Organizations => "organizations",
        }
    }

    /// The operations the emulator answers.
    pub(crate) fn operations(self) -> &'static [&'static str] {
        match self {
            Service::Workspaces => &[
                "DescribeWorkspacesPools",
                "DescribeWorkspacesPoolSessions",
                "DescribeWorkspaceDirectories",
                "DescribeWorkspaceBundles",
                "DescribeWorkspaces",
                "DescribeTags",
            ],
            Service::Sts => &["AssumeRole", "GetCallerIdentity"],
            Service::Organizations => &["ListAccounts"],
        }
    }

    /// `X-Amz-Target` prefix of the JSON services.
    pub(crate) fn target_prefix(self) -> Option<&'static str> {
        match self {
            Service::Workspaces => Some(WORKSPACES_TARGET),
            Service::Organizations => Some(ORGANIZATIONS_TARGET),
            Service::Sts => None,
        }
    }

    pub(crate) fn protocol(self) -> Protocol {
        match self {
            Service::Workspaces => Protocol::Json {
                message_member: "message",
            },
            Service::Organizations => Protocol::Json {
                message_member: "Message",
            },
            Service::Sts => Protocol::Query,
        }
    }

    /// `Content-Type` of every answer, errors included.
    pub(crate) fn content_type(self) -> &'static str {
        match self.protocol() {
            Protocol::Json { .. } => "application/x-amz-json-1.1",
            Protocol::Query => "text/xml",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_routed_by_target_then_form_then_default() {
        let json = Some("application/x-amz-json-1.1");
        let form = Some("application/x-www-form-urlencoded; charset=utf-8");
        assert_eq!(
            Service::of_request(Some("WorkspacesService.DescribeTags"), json),
            Service::Workspaces
        );
        assert_eq!(
            Service::of_request(Some("AWSOrganizationsV20161128.ListAccounts"), json),
            Service::Organizations
        );
        assert_eq!(Service::of_request(None, form), Service::Sts);
        assert_eq!(
            Service::of_request(None, Some("Application/X-WWW-Form-Urlencoded")),
            Service::Sts
        );
        // Anything else is answered by WorkSpaces, in its words, as before.
        assert_eq!(Service::of_request(None, json), Service::Workspaces);
        assert_eq!(Service::of_request(None, None), Service::Workspaces);
        assert_eq!(
            Service::of_request(Some("Other.Op"), form),
            Service::Workspaces
        );
    }
}
