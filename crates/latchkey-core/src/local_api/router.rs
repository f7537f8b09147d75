//! The routes, as one table: the router is built from it and the OpenAPI
//! test checks the document against it, so neither can drift.

use super::guards::guard;
use super::handlers;
use super::problem::Problem;
use super::state::ApiState;
use super::MAX_BODY_BYTES;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode, Uri};
use axum::routing::{delete, get, post, put, MethodRouter};
use axum::Router;
use std::sync::Arc;

pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    make: fn() -> MethodRouter<Arc<ApiState>>,
}

pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/v1/health",
        make: || get(handlers::health),
    },
    Route {
        method: "GET",
        path: "/v1/openapi.json",
        make: || get(handlers::openapi),
    },
    Route {
        method: "GET",
        path: "/v1/services",
        make: || get(handlers::services),
    },
    Route {
        method: "GET",
        path: "/v1/services/{service}/users",
        make: || get(handlers::users),
    },
    Route {
        method: "POST",
        path: "/v1/services/{service}/users/{user}/login-link",
        make: || post(handlers::login_link),
    },
    Route {
        method: "POST",
        path: "/v1/services/{service}/users/{user}/request",
        make: || post(handlers::call),
    },
    Route {
        method: "GET",
        path: "/v1/vars/{name}",
        make: || get(handlers::get_var),
    },
    Route {
        method: "PUT",
        path: "/v1/vars/{name}",
        make: || put(handlers::put_var),
    },
    Route {
        method: "DELETE",
        path: "/v1/vars/{name}",
        make: || delete(handlers::delete_var),
    },
    Route {
        method: "POST",
        path: "/v1/json/find",
        make: || post(handlers::json_find),
    },
    Route {
        method: "POST",
        path: "/v1/json/path",
        make: || post(handlers::json_path),
    },
];

pub fn router(state: Arc<ApiState>) -> Router {
    // One method router per path (a path may serve several methods).
    let mut by_path: Vec<(&str, MethodRouter<Arc<ApiState>>)> = Vec::new();
    for route in ROUTES {
        match by_path.iter_mut().find(|(path, _)| *path == route.path) {
            Some((_, methods)) => {
                let taken = std::mem::replace(methods, MethodRouter::new());
                *methods = taken.merge((route.make)());
            }
            None => by_path.push((route.path, (route.make)())),
        }
    }
    let mut router = Router::new();
    for (path, methods) in by_path {
        router = router.route(path, methods.fallback(method_not_allowed));
    }
    router
        .fallback(no_such_route)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            guard,
        ))
        .with_state(state)
}

async fn no_such_route(method: Method, uri: Uri) -> Problem {
    Problem::not_found_route(method.as_str(), uri.path())
}

async fn method_not_allowed(method: Method, uri: Uri) -> Problem {
    let allowed: Vec<&str> = ROUTES
        .iter()
        .filter(|r| path_matches(r.path, uri.path()))
        .map(|r| r.method)
        .collect();
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "Method not allowed",
        format!(
            "{} {} is not an endpoint: use {}",
            method,
            uri.path(),
            allowed.join(" or ")
        ),
    )
}

/// Whether `path` fits a route template (`{name}` matches one segment).
fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_segments() {
        assert!(path_matches(
            "/v1/services/{service}/users",
            "/v1/services/x/users"
        ));
        assert!(!path_matches(
            "/v1/services/{service}/users",
            "/v1/services//users"
        ));
        assert!(!path_matches("/v1/services", "/v1/services/x"));
    }
}
