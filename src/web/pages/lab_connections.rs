//! How each lab takes orders, for the platform's CSMs: one form per lab (MLLP host and port, a
//! file-drop folder, or none), saved with post/redirect/get; a refused form comes back with
//! what was typed and each problem beside its field.
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::lab::LabSlug;
use crate::domain::lab_link::{Connection, ConnectionKind, ConnectionProblems};
use crate::domain::scope::Scope;
use crate::error::AppError;
use crate::service::lab_connections::{self as service, ConnectionError, ConnectionInput};
use crate::web::page::{render, render_with_status, see_other, Chrome, Nav, PageContext};
use crate::web::{run_db, urls, AppState};

/// One lab's form.
pub struct LabForm {
    pub slug: &'static str,
    pub name: String,
    pub action: String,
    pub kind: &'static str,
    pub host: String,
    pub port: String,
    pub folder: String,
    pub problems: ConnectionProblems,
}

#[derive(Template)]
#[template(path = "platform/lab_connections.html")]
struct ConnectionsPage {
    chrome: Chrome,
    labs: Vec<LabForm>,
    kinds: &'static [ConnectionKind],
}

#[derive(Deserialize, Default)]
pub struct ConnectionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    port: String,
    #[serde(default)]
    folder: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    saved: Option<LabSlug>,
}

fn form_of(slug: LabSlug, name: String, c: &Connection) -> LabForm {
    LabForm {
        slug: slug.as_str(),
        name,
        action: urls::lab_connection(slug),
        kind: c.kind.as_str(),
        host: c.host.clone().unwrap_or_default(),
        port: c.port.map(|p| p.to_string()).unwrap_or_default(),
        folder: c.folder.clone().unwrap_or_default(),
        problems: ConnectionProblems::default(),
    }
}

fn page_of(
    conn: &mut crate::db::DbConnection,
    ctx: &PageContext,
    refused: Option<(LabSlug, &ConnectionForm, ConnectionProblems)>,
) -> Result<ConnectionsPage, AppError> {
    let chrome = ctx.chrome(conn, Some(&Scope::Platform), Nav::LabConnections)?;
    let labs = service::list(conn, &ctx.principal)?
        .into_iter()
        .map(|(lab, c)| {
            let mut form = form_of(lab.slug, lab.name, &c);
            if let Some((slug, typed, problems)) = &refused {
                if *slug == lab.slug {
                    form.kind = typed
                        .kind
                        .parse::<ConnectionKind>()
                        .map(ConnectionKind::as_str)
                        .unwrap_or(form.kind);
                    form.host = typed.host.clone();
                    form.port = typed.port.clone();
                    form.folder = typed.folder.clone();
                    form.problems = problems.clone();
                }
            }
            form
        })
        .collect();
    Ok(ConnectionsPage {
        chrome,
        labs,
        kinds: ConnectionKind::ALL,
    })
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: PageContext,
    q: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let saved = q.saved;
    let page = run_db(&state, move |conn| {
        let mut page = page_of(conn, &ctx, None)?;
        page.chrome.notice =
            saved.map(|lab| format!("Connection of {} saved.", lab.display_name()));
        Ok(page)
    })
    .await?;
    render(&page)
}

enum Saved {
    Done(LabSlug),
    Refused(Box<ConnectionsPage>),
}

pub async fn save(
    state: web::Data<AppState>,
    ctx: PageContext,
    path: web::Path<LabSlug>,
    form: web::Form<ConnectionForm>,
) -> Result<HttpResponse, AppError> {
    let lab = path.into_inner();
    let typed = form.into_inner();
    let saved = run_db(&state, move |conn| {
        let input = ConnectionInput {
            kind: &typed.kind,
            host: &typed.host,
            port: &typed.port,
            folder: &typed.folder,
        };
        match service::set(conn, &ctx.actor(), &ctx.principal, lab, &input) {
            Ok(_) => Ok(Saved::Done(lab)),
            Err(ConnectionError::Invalid(problems)) => {
                let page = page_of(conn, &ctx, Some((lab, &typed, problems)))?;
                Ok(Saved::Refused(Box::new(page)))
            }
            Err(ConnectionError::Failed(e)) => Err(e),
        }
    })
    .await?;
    match saved {
        Saved::Done(lab) => Ok(see_other(&format!(
            "{}?saved={lab}",
            urls::lab_connections()
        ))),
        Saved::Refused(page) => render_with_status(&*page, StatusCode::UNPROCESSABLE_ENTITY),
    }
}
