//! The service model's patterns for ids and names that more than one table pushes down: a value
//! that cannot match its pattern names nothing, so a predicate on it needs no call.

/// Whether `s` is `prefix` followed by `min..=max` characters of `[0-9a-z]`.
pub(crate) fn is_prefixed_id(s: &str, prefix: &str, min: usize, max: usize) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        (min..=max).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

/// `^(d-[0-9a-f]{8,63}$)|(wsd-[0-9a-z]{8,63}$)`, 10 to 65 characters (`DirectoryId`).
pub(crate) fn is_directory_id(s: &str) -> bool {
    let ds = s.strip_prefix("d-").is_some_and(|rest| {
        (8..=63).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    (10..=65).contains(&s.len()) && (ds || is_prefixed_id(s, "wsd-", 8, 63))
}

/// `^wsb-[0-9a-z]{8,63}$` (`BundleId`).
pub(crate) fn is_bundle_id(s: &str) -> bool {
    is_prefixed_id(s, "wsb-", 8, 63)
}

/// `^ws-[0-9a-z]{8,63}$` (`WorkspaceId`).
pub(crate) fn is_workspace_id(s: &str) -> bool {
    is_prefixed_id(s, "ws-", 8, 63)
}

/// `wsi-[0-9a-z]{9,63}$` (`WorkspaceImageId`). The model's pattern is not anchored at the
/// start, but every image id begins with `wsi-`: a value that does not names no image.
pub(crate) fn is_image_id(s: &str) -> bool {
    is_prefixed_id(s, "wsi-", 9, 63)
}

/// Any string of `min..=max` characters.
pub(crate) fn has_length(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.chars().count())
}

/// `^wspool-[0-9a-z]{9}$` (`WorkspacesPoolId`).
pub(crate) fn is_pool_id(s: &str) -> bool {
    is_prefixed_id(s, "wspool-", 9, 9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_patterns_follow_the_model() {
        assert!(is_directory_id("d-0123abcd"));
        assert!(!is_directory_id("d-0123abcz"));
        assert!(is_directory_id("wsd-abcd1234"));
        assert!(!is_directory_id("wsd-abc"));
        assert!(is_bundle_id("wsb-0123456z"));
        assert!(!is_bundle_id("wsb-0123456"));
        assert!(is_workspace_id("ws-abcdefgh"));
        assert!(!is_workspace_id("ws-ABCDEFGH"));
        assert!(is_image_id("wsi-abc123xyz"));
        assert!(!is_image_id("wsi-abc123xy"));
        assert!(!is_image_id("x-wsi-abc123xyz"));
        assert!(is_pool_id("wspool-abc123xyz"));
        assert!(!is_pool_id("wspool-abc123xy"));
        assert!(!is_pool_id("wspool-ABC123XYZ"));
        assert!(has_length("ab", 2, 128));
        assert!(!has_length("a", 2, 128));
    }
}
