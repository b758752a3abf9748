//! The rendered set: how long it lasts, and pages rendered before the warm-up got to them.

use super::*;

pub(crate) fn rendered_at(now: &str) -> Rendered {
    let snapshot = Arc::new(Snapshot {
        version: 1,
        pack: Some(Arc::new(ContentPack::sample().unwrap())),
        search: None,
        modified: Arc::default(),
        translated: Vec::new(),
    });
    let url = url::Url::parse("http://localhost:8080/").unwrap();
    let assets = Arc::new(assets::Assets::build(
        &brand(&snapshot),
        &Branding::default(),
    ));
    Rendered::new(snapshot, now.parse().unwrap(), assets, &url, Arc::default())
}

#[test]
fn a_set_lasts_until_the_first_location_changes_its_wording() {
    // Friday 20:00 UTC: West Hollywood (12:00) closes at 18:00 PST = 02:00 UTC; Denver (13:00)
    // closes at 17:30 MST = 00:30 UTC, which comes first.
    let set = rendered_at("2026-11-27T20:00:00Z");
    assert_eq!(set.valid_until.to_string(), "2026-11-28T00:30:00Z");
    assert_eq!(set.statuses.len(), 2);
    assert!(set.statuses.iter().all(|s| s.open));
    // Sunday noon in Los Angeles: both closed; the wording holds until Denver's midnight.
    let set = rendered_at("2026-11-29T20:00:00Z");
    assert!(set.statuses.iter().all(|s| !s.open));
    assert_eq!(set.valid_until.to_string(), "2026-11-30T07:00:00Z");
}

fn asking(site: &Arc<Rendered>, path: &str, encodings: &'static str) -> PageRequest {
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT_ENCODING, encodings.parse().unwrap());
    PageRequest {
        site: site.clone(),
        lang: Lang::En,
        path: path.to_owned(),
        headers,
    }
}

fn big_page(_: &Rendered) -> Result<String, AppError> {
    Ok("<li>Foot &amp; leg cramps</li>".repeat(2000))
}

#[tokio::test]
async fn a_page_not_yet_warm_is_sent_with_quick_gzip_and_queued_for_brotli() {
    let site = Arc::new(rendered_at("2026-11-27T20:00:00Z"));
    let response = asking(&site, "/big", "gzip, br").html(big_page).await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
    let quick = response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(quick.ends_with("-gz1\""), "{quick}");

    let (path, queued) = site
        .next_asked()
        .expect("the page waits for its best forms");
    assert_eq!(path, "/big");
    assert!(Arc::ptr_eq(&queued, &site.kept("/big").unwrap()));
    site.finish_kept(&path, &queued);
    let kept = site.kept("/big").unwrap();
    assert!(
        kept.is_finished() && kept.plain_len() > 0,
        "finished, plain kept"
    );
    let response = asking(&site, "/big", "gzip, br").html(big_page).await;
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "br");
    assert!(site.next_asked().is_none());
}

#[test]
fn the_warm_up_keeps_a_page_once_finished_in_place_of_a_quick_one() {
    let site = rendered_at("2026-11-27T20:00:00Z");
    let html = "text/html; charset=utf-8";
    let quick = site.render_asked("/big", html, big_page).unwrap();
    assert!(!quick.is_finished());
    let warmed = site.render_finished("/big", html, big_page).unwrap();
    assert!(warmed.is_finished() && !Arc::ptr_eq(&warmed, &quick));
    assert!(Arc::ptr_eq(&site.kept("/big").unwrap(), &warmed));
    assert!(site.next_asked().is_none(), "nothing left to compress");
    let again = site.render_finished("/big", html, big_page).unwrap();
    assert!(Arc::ptr_eq(&again, &warmed), "a finished page stays");
}

#[tokio::test]
async fn a_page_that_does_not_exist_is_not_kept() {
    let site = Arc::new(rendered_at("2026-11-27T20:00:00Z"));
    let response = asking(&site, "/conditions/nope", "br")
        .html(|_| Err(AppError::NotFound))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(site.kept("/conditions/nope").is_none());
}

#[test]
fn open_now_wording_in_each_language() {
    use crate::content::{Change, Lang, OpenStatus};
    use jiff::civil::{Weekday, time};
    let status = |next| OpenStatus {
        open: false,
        detail: String::new(),
        next: Some(next),
        until: Timestamp::UNIX_EPOCH,
    };
    let said = |lang, next| super::layout::open_detail(lang, &status(next));
    assert_eq!(
        said(Lang::En, Change::Closes(time(18, 0, 0, 0))),
        "closes at 6 pm"
    );
    assert_eq!(
        said(Lang::Es, Change::Closes(time(18, 0, 0, 0))),
        "cierra a las 6 p. m."
    );
    assert_eq!(
        said(Lang::Es, Change::Closes(time(13, 0, 0, 0))),
        "cierra a la 1 p. m."
    );
    assert_eq!(
        said(Lang::Es, Change::OpensTomorrow(time(8, 30, 0, 0))),
        "abre mañana a las 8:30 a. m."
    );
    assert_eq!(
        said(Lang::Es, Change::Opens(Weekday::Monday, time(9, 0, 0, 0))),
        "abre el lunes a las 9 a. m."
    );
    assert_eq!(
        said(Lang::En, Change::Opens(Weekday::Monday, time(9, 0, 0, 0))),
        "opens Monday at 9 am"
    );
    assert_eq!(
        super::layout::date(Lang::Es, jiff::civil::date(2026, 1, 15)),
        "15 de enero de 2026"
    );
    assert_eq!(
        super::layout::date(Lang::En, jiff::civil::date(2026, 1, 15)),
        "January 15, 2026"
    );
}
