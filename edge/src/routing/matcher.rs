//! Path matching on `matchit` (a radix tree; static segments win over captures, so `/token/{token}` beats
//! `/{id}`). The tree is built once per isolate from [`ROUTES`].

use super::call::Params;
use super::table::{Route, ROUTES};
use crate::http::Method;
use hsrc_shared::{codes, ApiError, ErrorType};
use std::sync::OnceLock;

/// Longest accepted path capture: ids and tokens are far shorter; anything longer is not one of ours.
const MAX_CAPTURE: usize = 200;

/// Every route of a path pattern (one per method).
type Tree = matchit::Router<Vec<&'static Route>>;

fn tree() -> &'static Tree {
    static TREE: OnceLock<Tree> = OnceLock::new();
    TREE.get_or_init(|| {
        let mut by_path: Vec<(&'static str, Vec<&'static Route>)> = Vec::new();
        for r in ROUTES {
            match by_path.iter_mut().find(|(p, _)| *p == r.path) {
                Some((_, routes)) => routes.push(r),
                None => by_path.push((r.path, vec![r])),
            }
        }
        let mut tree = Tree::new();
        for (path, routes) in by_path {
            // The table writes captures as `{name}` (as OpenAPI does); matchit 0.7 spells them `:name`.
            let pattern = path.replace('{', ":").replace('}', "");
            // The table is a constant checked by the tests below; a bad pattern cannot reach production.
            tree.insert(pattern, routes).expect("route table patterns are distinct and well formed");
        }
        tree
    })
}

/// Finds the route for a method and path: `Err` carries 404 or 405.
pub fn find(method: Method, path: &str) -> Result<(&'static Route, Params), ApiError> {
    let path = if path.len() > 1 { path.trim_end_matches('/') } else { path };
    let Ok(found) = tree().at(path) else { return Err(not_found(method, path)) };
    let mut params = Params::new();
    for (name, value) in found.params.iter() {
        if value.is_empty() || value.len() > MAX_CAPTURE {
            return Err(not_found(method, path));
        }
        params.push((name, value.to_string()));
    }
    match found.value.iter().find(|r| r.method == method) {
        Some(route) => Ok((route, params)),
        None => Err(ApiError::new(
            405,
            ErrorType::InvalidRequestError,
            codes::METHOD_NOT_ALLOWED,
            format!("{} is not allowed on {path}.", method.as_str()),
        )),
    }
}

fn not_found(method: Method, path: &str) -> ApiError {
    ApiError::new(
        404,
        ErrorType::InvalidRequestError,
        codes::ROUTE_NOT_FOUND,
        format!("Unrecognized request URL ({} {path}).", method.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::Op;

    #[test]
    fn literal_segments_win_over_captures() {
        let (r, p) = find(Method::Get, "/v1/checkout-sessions/token/abc").unwrap();
        assert_eq!((r.op, p), (Op::PayerView, vec![("token", "abc".to_string())]));
        let (r, _) = find(Method::Get, "/v1/checkout-sessions/cs_1").unwrap();
        assert_eq!(r.op, Op::GetSession);
    }

    #[test]
    fn unknown_paths_and_methods_get_404_and_405() {
        assert_eq!(find(Method::Get, "/v1/nope").unwrap_err().status, 404);
        assert_eq!(find(Method::Delete, "/v1/checkout-sessions").unwrap_err().status, 405);
        assert_eq!(find(Method::Get, "/v1/checkout-sessions//cancel").unwrap_err().status, 404);
        let long = format!("/v1/payments/{}", "x".repeat(MAX_CAPTURE + 1));
        assert_eq!(find(Method::Get, &long).unwrap_err().status, 404);
    }

    #[test]
    fn every_route_of_the_table_is_found_with_its_captures() {
        for r in ROUTES {
            let path = r.path.replace(['{', '}'], "");
            let (found, params) = find(r.method, &path).unwrap_or_else(|e| panic!("{} {}: {e:?}", r.path, e.status));
            assert_eq!(found.op, r.op, "{}", r.path);
            for (name, value) in params {
                assert_eq!(name, value, "{}", r.path);
            }
            let slash = format!("{path}/");
            assert_eq!(find(r.method, &slash).map(|(f, _)| f.op).ok(), Some(r.op), "trailing slash on {}", r.path);
        }
    }
}
