//! Demo content for a fresh instance: two short articles of our own (one English, one Sorani
//! so that right-to-left shows from the first start) and the first admin account.

use tribune_store::{NewArticle, Role, Store, StoreError};

use crate::{ServerError, create_user, parse_article_text, security::random_token};

const DEMO_ARTICLES: [(&str, &str, &str); 2] = [
    ("cycle-lanes", "en", include_str!("../demo/cycle-lanes.txt")),
    (
        "erbil-library",
        "ckb",
        include_str!("../demo/erbil-library.txt"),
    ),
];

/// What seeding did: the admin password is shown once, when it was generated.
pub struct Seeded {
    pub articles: usize,
    pub admin_password: Option<String>,
}

/// Seeds an empty instance: demo articles when there are none, an `admin` account when there
/// is no account. `admin_password` (from `TRIBUNE_ADMIN_PASSWORD`) is used when given;
/// otherwise a random one is generated and returned.
pub async fn seed_if_empty(
    store: &Store,
    admin_password: Option<&str>,
) -> Result<Seeded, ServerError> {
    let mut seeded = Seeded {
        articles: 0,
        admin_password: None,
    };
    if store.articles().await?.is_empty() {
        for (slug, lang, text) in DEMO_ARTICLES {
            let parsed =
                parse_article_text(text).map_err(|e| ServerError::input("bad_demo_article", e))?;
            let inserted = store
                .insert_article(&NewArticle {
                    slug: slug.to_owned(),
                    title: parsed.title.clone(),
                    body: parsed.body(),
                    lang: lang.to_owned(),
                })
                .await;
            match inserted {
                Ok(_) => seeded.articles += 1,
                // Another node starting at the same moment seeded it first.
                Err(StoreError::DuplicateSlug(_)) => {}
                Err(other) => return Err(other.into()),
            }
        }
    }
    if store.count_users().await? == 0 {
        let password = match admin_password {
            Some(given) => given.to_owned(),
            None => {
                let generated = random_token()?[..20].to_owned();
                seeded.admin_password = Some(generated.clone());
                generated
            }
        };
        match create_user(store, "admin", Role::Admin, &password).await {
            Ok(_) => {}
            Err(ServerError::Conflict { .. }) => seeded.admin_password = None,
            Err(other) => return Err(other),
        }
    }
    Ok(seeded)
}
