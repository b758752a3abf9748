//! What every request passes through, in one middleware: the `Host` check (`hosts`), its id
//! (`request_id`), the request timeout (408), the security headers (`headers`), and counting
//! and timing it by route template for `/metrics`. One layer, not five: each layer on the
//! router wraps every route and clones the stack beneath it per request, and as separate layers
//! these cost half the page throughput (measured with `scripts/bench-pages`).

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::hosts::Hosts;
use super::request_id::{self, RequestId};

#[derive(Debug, Clone)]
pub struct Edge {
    pub hosts: Hosts,
    pub request_timeout: Duration,
    pub hsts: bool,
}

impl Edge {
    pub async fn run(self, mut request: Request, next: Next) -> Response {
        let started = Instant::now();
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or("(no route)", MatchedPath::as_str)
            .to_owned();
        let method = match *request.method() {
            Method::GET => "GET",
            Method::HEAD => "HEAD",
            Method::POST => "POST",
            Method::OPTIONS => "OPTIONS",
            _ => "other",
        };
        let id = request_id::next();
        let mut response = if self.hosts.accepts_request(&request) {
            request.extensions_mut().insert(RequestId(id.clone()));
            // A body trickled a byte at a time cannot hold a handler past this.
            match tokio::time::timeout(self.request_timeout, next.run(request)).await {
                Ok(response) => response,
                Err(_) => {
                    (StatusCode::REQUEST_TIMEOUT, "The request took too long.").into_response()
                }
            }
        } else {
            Hosts::misdirected()
        };
        super::headers::apply(response.headers_mut(), self.hsts);
        // From the `String` itself: no copy.
        if let Ok(value) = HeaderValue::try_from(id) {
            response.headers_mut().insert(request_id::HEADER, value);
        }
        crate::metrics::http_request(
            route,
            method,
            response.status().as_u16(),
            started.elapsed().as_secs_f64(),
        );
        response
    }
}
