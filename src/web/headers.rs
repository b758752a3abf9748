//! Security headers on every response. The CSP allows only our own origin and no inline script
//! or style, so injected markup cannot run even if some escaping were ever missed.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

/// The policy: first-party assets only, nothing framed, forms post only to us.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

/// No page needs a device feature: camera, microphone, location, payment and the rest are off
/// for the page and anything it could embed.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), \
     magnetometer=(), microphone=(), payment=(), usb=(), interest-cohort=()";

/// One year, subdomains too; sent only when the site is served over HTTPS (see `Settings::hsts`).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// The headers every response gets, made once: `HeaderName::from_static` checks its name each
/// time it runs, and this is on every request's path.
static FIXED: [(HeaderName, HeaderValue); 6] = [
    (
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    ),
    (
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ),
    (
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    ),
    (
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    ),
    (
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    ),
    (
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(PERMISSIONS_POLICY),
    ),
];

/// Adds the security headers to a response; values a handler set win.
pub fn apply(headers: &mut HeaderMap, hsts: bool) {
    headers.reserve(FIXED.len() + 2);
    for (name, value) in &FIXED {
        headers.entry(name).or_insert_with(|| value.clone());
    }
    if hsts {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert_with(|| HeaderValue::from_static(STRICT_TRANSPORT_SECURITY));
    }
}
