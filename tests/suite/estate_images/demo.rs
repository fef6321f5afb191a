//! `SELECT count(*)` of each image table answers on the demo organization, through the library
//! with the demo's settings, as the emulator's own images say.

use datafusion::prelude::SessionContext;
use wsql::Library;
use wsql::cli::demo::Demo;
use wsql_emulator::images::ImageCatalog;

use crate::accounts::org::rows;

#[tokio::test]
async fn each_image_table_counts_on_the_demo() {
    let demo = Demo::start(&[]).await.expect("the demo starts");
    let ctx = SessionContext::new();
    Library::new(demo.settings())
        .register(&ctx)
        .expect("tables register");
    let organization = demo.emulator.organization();
    let catalog = ImageCatalog::of_organization(organization);
    let (mut images, mut permissions, mut imports, mut image_apps, mut bundle_apps) =
        (0, 0, 0, 0, 0);
    for account in organization.accounts() {
        for region in &demo.regions {
            let own = catalog.owned(account.id(), region);
            images += catalog.visible(account.id(), region).len();
            permissions += own.permissions.values().map(Vec::len).sum::<usize>();
            imports += own.imports.len();
            image_apps += own.image_associations.len();
            bundle_apps += own.bundle_associations.len();
        }
    }
    for (table, expected) in [
        ("workspaces_images", images),
        ("workspaces_image_permissions", permissions),
        ("workspaces_image_imports", imports),
        ("workspaces_image_associations", image_apps),
        ("workspaces_bundle_associations", bundle_apps),
    ] {
        let (count, _) = rows(&ctx, &format!("SELECT count(*) FROM {table}")).await;
        assert!(expected > 0, "{table}");
        assert_eq!(count, vec![expected.to_string()], "{table}");
    }
}
