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

/// Adds the security headers to a response; values a handler set win.
pub fn apply(headers: &mut HeaderMap, hsts: bool) {
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ),
    ];
    for (name, value) in fixed {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    if hsts {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert_with(|| HeaderValue::from_static(STRICT_TRANSPORT_SECURITY));
    }
}
