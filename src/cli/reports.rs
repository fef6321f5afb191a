//! Saved reports: the `queries/*.sql` files, embedded in the binary so an installed `wsql` has
//! them. Each file opens with `-- <one-line description>`.

use std::path::Path;

use crate::cli::errors::Error;
use crate::cli::split::split_statements;

/// One saved report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// What `--report` and `\r` take: the file name without `.sql`.
    pub name: &'static str,
    /// The file's text.
    pub sql: &'static str,
}

macro_rules! report {
    ($name:literal) => {
        Report {
            name: $name,
            sql: include_str!(concat!("../../queries/", $name, ".sql")),
        }
    };
}

/// Every saved report, by name.
pub const REPORTS: &[Report] = &[
    report!("accounts_summary"),
    report!("always_on_low_usage"),
    report!("app_settings_audit"),
    report!("capacity_headroom"),
    report!("fleet_summary"),
    report!("idle_capacity"),
    report!("idle_workspaces"),
    report!("image_inventory"),
    report!("ip_access_audit"),
    report!("migration_inventory"),
    report!("migration_personal_targets"),
    report!("pool_errors"),
    report!("pool_right_sizing"),
    report!("pools_by_owner_tag"),
    report!("pools_turning_users_away"),
    report!("pools_with_directory_and_bundle"),
    report!("sessions_vs_capacity"),
    report!("stale_workspaces"),
    report!("timeout_audit"),
];

impl Report {
    /// The first comment line of the file, without `--`.
    pub fn description(&self) -> &'static str {
        description_of(self.sql)
    }

    /// The statement that makes the report a view (`CREATE VIEW <name> AS <its query>`), or
    /// `None` when its file is not one statement.
    pub fn view_statement(&self) -> Option<String> {
        match split_statements(self.sql).as_slice() {
            [query] => Some(format!("CREATE VIEW {} AS {query}", self.name)),
            _ => None,
        }
    }
}

/// The text of the first line of `sql` if it is a `--` comment, else "".
pub fn description_of(sql: &str) -> &str {
    sql.lines()
        .next()
        .and_then(|line| line.strip_prefix("--"))
        .map_or("", str::trim)
}

/// Whether `name` is a saved report's (each is a view of every session).
pub fn is_report(name: &str) -> bool {
    REPORTS.iter().any(|r| r.name == name)
}

/// The SQL of a report: a saved report's name, else the path of a `.sql` file.
pub fn load(name_or_path: &str) -> Result<String, Error> {
    if let Some(report) = REPORTS.iter().find(|r| r.name == name_or_path) {
        return Ok(report.sql.to_string());
    }
    let path = Path::new(name_or_path);
    if path.is_file() {
        return std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
            path: path.to_path_buf(),
            source,
        });
    }
    let names: Vec<&str> = REPORTS.iter().map(|r| r.name).collect();
    Err(Error::NoReport {
        name: name_or_path.to_string(),
        saved: names.join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_has_a_one_line_description() {
        for report in REPORTS {
            let description = report.description();
            assert!(description.len() > 20, "{}: '{description}'", report.name);
            assert!(report.sql.starts_with("-- "), "{}", report.name);
        }
    }

    #[test]
    fn every_file_in_queries_is_embedded_and_sorted() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = REPORTS.iter().map(|r| r.name).collect();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn load_by_name_or_path() {
        assert!(
            load("fleet_summary")
                .unwrap()
                .contains("GROUP BY region, state")
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.sql");
        std::fs::write(&path, "-- mine\nSELECT 1;").unwrap();
        assert_eq!(load(path.to_str().unwrap()).unwrap(), "-- mine\nSELECT 1;");

        let error = load("nope").unwrap_err().line();
        assert!(error.starts_with("no report named 'nope'"));
        assert!(error.contains("fleet_summary"));
    }

    #[test]
    fn description_is_the_first_comment_line() {
        assert_eq!(
            description_of("-- Counts pools.\nSELECT 1"),
            "Counts pools."
        );
        assert_eq!(description_of("SELECT 1"), "");
        assert_eq!(description_of(""), "");
    }
}
