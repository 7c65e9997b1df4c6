//! How features declare their routes. A feature writes one function, generic over `Router`, that
//! names its routes once; `routes.rs` mounts it (under `/orgs/{org}` and `/platform` where it serves
//! both). The same function runs against `Mount` to register the handlers with actix and against
//! `Listing` to list what is registered, so the route table a test walks is the real one and a new
//! route cannot be missing from it.
use actix_web::dev::Handler;
use actix_web::http::Method;
use actix_web::{web, FromRequest, Responder};

pub trait Router {
    /// What a nested scope registers into.
    type Scoped<'s>: Router;

    fn route<F, Args>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static;

    /// Routes under a path prefix, e.g. `/orgs/{org}`.
    fn scope(&mut self, prefix: &str, routes: impl FnOnce(&mut Self::Scoped<'_>)) -> &mut Self;

    fn get<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::GET, path, handler)
    }

    fn post<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::POST, path, handler)
    }

    fn patch<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::PATCH, path, handler)
    }

    fn delete<F, Args>(&mut self, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::DELETE, path, handler)
    }
}

/// Registers routes with actix.
pub struct Mount<'a>(pub &'a mut web::ServiceConfig);

impl Router for Mount<'_> {
    type Scoped<'s> = Mount<'s>;

    fn route<F, Args>(&mut self, method: Method, path: &str, handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.0.route(path, web::method(method).to(handler));
        self
    }

    fn scope(&mut self, prefix: &str, routes: impl FnOnce(&mut Mount<'_>)) -> &mut Self {
        self.0
            .service(web::scope(prefix).configure(|cfg| routes(&mut Mount(cfg))));
        self
    }
}

/// Lists the routes a function registers, as (method, full path pattern).
#[derive(Debug, Default)]
pub struct Listing {
    prefix: String,
    pub routes: Vec<(Method, String)>,
}

impl Router for Listing {
    type Scoped<'s> = Listing;

    fn route<F, Args>(&mut self, method: Method, path: &str, _handler: F) -> &mut Self
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.routes.push((method, format!("{}{path}", self.prefix)));
        self
    }

    fn scope(&mut self, prefix: &str, routes: impl FnOnce(&mut Listing)) -> &mut Self {
        let inner = format!("{}{prefix}", self.prefix);
        let outer = std::mem::replace(&mut self.prefix, inner);
        routes(self);
        self.prefix = outer;
        self
    }
}
