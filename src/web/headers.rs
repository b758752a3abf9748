//! Security headers on every response. The CSP allows only our own origin and no inline script
//! or style, so injected markup cannot run even if some escaping were ever missed.

use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

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

/// The layers to add to the router, one per header; existing values set by a handler win.
pub fn layers(hsts: bool) -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let mut layers = vec![
        header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        header(header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        header(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        header(
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        header(
            HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ),
    ];
    if hsts {
        layers.push(header(
            header::STRICT_TRANSPORT_SECURITY,
            STRICT_TRANSPORT_SECURITY,
        ));
    }
    layers
}
