//! The search of the orders an item's result may go on. A POST (CSRF-checked like every form):
//! what is typed is a patient's name or date of birth, which never goes into a URL. Without
//! JavaScript it answers the whole item page with the list narrowed; for htmx only the list.
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::item::{item_page, ItemPath};
use super::review_chrome;
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::review::item as review_item;
use crate::web::page::{respond, PageContext};
use crate::web::{run_db, AppState};

#[derive(Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
}

/// `POST .../review/{id}/candidates`: the item with its candidate orders narrowed to `q`.
pub async fn search(
    state: web::Data<AppState>,
    ctx: PageContext,
    scope: Scope,
    path: web::Path<ItemPath>,
    form: web::Form<SearchForm>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner().id;
    let typed = form.into_inner().q;
    let hx = ctx.hx;
    let page = run_db(&state, move |conn| {
        let chrome = review_chrome(&ctx, conn, &scope)?;
        let (p, actor) = (&ctx.principal, ctx.actor());
        let details = review_item::show_searching(conn, p, actor, &scope, &id, &typed)?;
        Ok(item_page(chrome, &scope, &details, None, None))
    })
    .await?;
    respond(hx, &page)
}
