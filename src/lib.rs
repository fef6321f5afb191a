//! wsql: SQL over AWS WorkSpaces. See the README.

pub mod aws;
pub mod cache;
pub mod error;
pub mod library;
pub mod paging;
pub mod pools;
pub mod progress;
pub mod tables;
pub mod warnings;

pub use aws::AwsSettings;
pub use error::{Error, Result};
pub use library::Library;
