//! The HTTP side: axum in front of [`super::pipeline`] and [`super::admin`].

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Result;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;

use super::{admin, pipeline, Emulator};
use crate::wire::response::Rendered;
use crate::wire::HttpRequest;

/// Bodies above this are refused, never read whole: the largest any dialect documents (Tencent
/// 3.0's 10 MB for a TC3-signed POST); each dialect's own limits are its spec's.
const MAX_BODY: usize = 10 * 1024 * 1024;

pub fn router(em: Arc<Emulator>) -> Router {
    Router::new().fallback(serve_one).with_state(em)
}

async fn serve_one(State(em): State<Arc<Emulator>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // Never more than MAX_BODY is read (a longer Content-Length is refused before reading).
    let read = to_bytes(body, MAX_BODY).await;
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let headers = parts
        .headers
        .iter()
        .filter_map(|(k, v)| {
            v.to_str()
                .ok()
                .map(|v| (k.as_str().to_string(), v.to_string()))
        })
        .collect();
    let r = HttpRequest {
        method: parts.method.as_str().to_string(),
        host,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers,
        body: read.as_ref().map(|b| b.to_vec()).unwrap_or_default(),
    };
    if read.is_err() {
        return respond(pipeline::too_large(&em, &r));
    }
    // Handled on the async worker: a request takes microseconds under one short lock, less
    // than handing it to the blocking pool and back would cost.
    let rendered = if r.path.starts_with("/_lbconform/") {
        admin::handle(&em, &r)
    } else {
        pipeline::handle(&em, &r)
    };
    respond(rendered)
}

fn respond(r: Rendered) -> Response {
    Response::builder()
        .status(StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, r.content_type)
        .body(Body::from(r.body))
        .unwrap_or_default()
}

/// Binds `addr`, prints `listening on http://ADDR` as its first line, and serves until stopped.
pub async fn serve(em: Arc<Emulator>, addr: SocketAddr) -> Result<()> {
    let listener = TcpListener::bind(addr).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router(em)).await?;
    Ok(())
}

/// Starts a server on a free loopback port in the background; for tests and the embedded target.
pub async fn spawn(em: Arc<Emulator>) -> Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router(em)).await;
    });
    Ok(addr)
}
