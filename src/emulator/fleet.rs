//! The emulator's data: pools, directories, bundles, WorkSpaces, sessions and tags per region.
//!
//! SKELETON: signatures agreed between modules; bodies are being written.

/// Everything the emulator serves, by region.
#[derive(Debug, Clone, Default)]
pub struct Fleet {}

impl Fleet {
    /// A deterministic fleet: `pools_per_region` pools in each region, with their directories,
    /// bundles, sessions, WorkSpaces and tags.
    pub fn seeded(_seed: u64, _regions: &[&str], _pools_per_region: usize) -> Fleet {
        todo!()
    }

    /// A fleet read from a JSON fixture file.
    pub fn from_json_file(_path: &std::path::Path) -> crate::Result<Fleet> {
        todo!()
    }
}
