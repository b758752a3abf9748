//! The request forms and the status page in Spanish: every question, problem, confirmation and
//! answer in Spanish (compared against the English render, as for the other Spanish pages); a
//! request sent from a Spanish page records its language, staff see that the patient prefers
//! Spanish, and the patient's text and e-mail go out in Spanish with the Spanish status page.

use std::collections::HashSet;

use crate::helpers::{Backend, TestApp, sample_pack, spawn_app};
use crate::patient_updates::{Loop, denver_at};
use crate::requests::{Web, open_form_at, post_at, reference_in, valid};
use crate::spanish::{data_values, has_words, segments, text};
use crate::staff::session_for;

const KINDS: [&str; 4] = ["callback", "refill", "transfer", "compounding"];

/// `path` in `lang` ("" or "/es").
fn at(lang: &str, path: &str) -> String {
    format!("{lang}{path}")
}

/// A form posted from `lang`'s page: (status, page).
async fn send(app: &TestApp, lang: &str, kind: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let web = Web::from(app);
    let path = at(lang, &format!("/requests/{kind}"));
    let session = open_form_at(&web, &path).await;
    let response = post_at(&web, &path, &session, fields).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The segments of `spanish` that are also on `english` and hold words that are not data.
fn english_left(where_: &str, english: &str, spanish: &str, allowed: &[String]) -> Vec<String> {
    let english: HashSet<String> = segments(english, false).into_iter().collect();
    assert!(
        english.len() > 20,
        "{where_}: the English page's words were read"
    );
    segments(spanish, true)
        .into_iter()
        .filter(|segment| english.contains(segment) && has_words(segment, allowed))
        .map(|segment| format!("{where_}: {segment:?}"))
        .collect()
}

/// A field's problem, as the page shows it next to the field.
fn problems(html: &str) -> Vec<&str> {
    html.match_indices("<span class=\"visually-hidden\">Error:</span> ")
        .map(|(at, found)| {
            let rest = &html[at + found.len()..];
            &rest[..rest.find('<').unwrap()]
        })
        .collect()
}

#[tokio::test]
async fn the_forms_their_problems_and_the_confirmation_leave_no_english() {
    let app = spawn_app(Backend::Sqlite).await;
    let allowed = data_values(&sample_pack());
    let mut left = Vec::new();
    for kind in KINDS {
        let path = format!("/requests/{kind}");
        let (_, english) = text(&app, &path).await;
        let (status, spanish) = text(&app, &at("/es", &path)).await;
        assert_eq!(status, 200);
        assert!(spanish.contains("<html lang=\"es\">"));
        assert!(spanish.contains(&format!("action=\"/es/requests/{kind}\"")));
        left.extend(english_left(
            &at("/es", &path),
            &english,
            &spanish,
            &allowed,
        ));

        // Sent empty, and sent with a wrong value in every field that has a rule.
        for fields in [
            vec![],
            vec![
                ("name", "x".repeat(101)),
                ("phone", "call me".to_owned()),
                ("date_of_birth", "2099-01-01".to_owned()),
                ("prescriptions", "12".to_owned()),
                ("medicine_1", String::new()),
                ("rx_1", "7734251".to_owned()),
                ("current_pharmacy_phone", "555".to_owned()),
                ("location", "nowhere".to_owned()),
            ],
        ] {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (code, english) = send(&app, "", kind, &fields).await;
            let (spanish_code, spanish) = send(&app, "/es", kind, &fields).await;
            assert_eq!((code, spanish_code), (422, 422));
            assert!(spanish.contains("<title>Error: "), "{kind}");
            assert_eq!(problems(&english).len(), problems(&spanish).len());
            assert!(
                problems(&spanish).len() >= 4,
                "{kind}: {:?}",
                problems(&spanish)
            );
            for problem in problems(&spanish) {
                assert!(!problems(&english).contains(&problem), "{kind}: {problem}");
            }
            left.extend(english_left(
                &format!("{kind} problems"),
                &english,
                &spanish,
                &allowed,
            ));
        }

        let (_, english) = send(&app, "", kind, &valid(kind)).await;
        let (code, spanish) = send(&app, "/es", kind, &valid(kind)).await;
        assert_eq!(code, 200, "{spanish}");
        let reference = reference_in(&spanish);
        assert!(spanish.contains(&format!(
            "href=\"/es/requests/status?reference={reference}\""
        )));
        assert!(
            spanish.contains(&format!(
                "<a href=\"/requests/status?reference={reference}\" hreflang=\"en\""
            )),
            "the language switch leads to the request's status page in English"
        );
        left.extend(english_left(
            &format!("{kind} received"),
            &english,
            &spanish,
            &allowed,
        ));
    }
    assert!(
        left.is_empty(),
        "English left on Spanish pages:\n{}",
        left.join("\n")
    );
}

#[tokio::test]
async fn the_status_page_answers_in_spanish() {
    let app = spawn_app(Backend::Sqlite).await;
    let allowed = data_values(&sample_pack());
    let (_, sent) = send(&app, "/es", "refill", &valid("refill")).await;
    let reference = reference_in(&sent);
    let web = Web::from(&app);
    let mut pages = Vec::new();
    for lang in ["", "/es"] {
        let path = at(lang, "/requests/status");
        let session = open_form_at(&web, &path).await;
        let mut answers = Vec::new();
        for fact in ["03/14/1980", "not a fact", "11/29/1961"] {
            let response = post_at(
                &web,
                &path,
                &session,
                &[("reference", &reference), ("fact", fact)],
            )
            .await;
            answers.push(response.text().await.unwrap());
        }
        pages.push(answers);
    }
    let (english, spanish) = (&pages[0], &pages[1]);
    assert!(spanish[0].contains("<h2>Recibida en Denver Highlands</h2>"));
    assert!(spanish[0].contains("Le llamaremos"));
    assert!(spanish[1].contains("Escriba su fecha de nacimiento"));
    assert!(spanish[2].contains("No encontramos esa solicitud"));
    let mut left = Vec::new();
    for (english, spanish) in english.iter().zip(spanish) {
        left.extend(english_left("status", english, spanish, &allowed));
    }
    assert!(left.is_empty(), "{}", left.join("\n"));
}

#[tokio::test]
async fn a_spanish_request_is_marked_for_staff_and_its_messages_are_in_spanish() {
    let it = Loop::start(Backend::Sqlite).await;
    it.clock.set(denver_at(10));
    let mut fields = valid("refill");
    fields.extend([
        ("text_me", "yes"),
        ("email_me", "yes"),
        ("email", "ana.patient@example.com"),
    ]);
    let (code, html) = send(&it.app, "/es", "refill", &fields).await;
    assert_eq!(code, 200, "{html}");
    assert!(html.contains("Le enviaremos un mensaje de texto y un correo"));
    let reference = reference_in(&html);
    let store = it.app.db.store().await;
    let stored = store.find_request(&reference).await.unwrap().unwrap();
    assert_eq!(stored.request.lang, "es");

    // The team's notice says so (and, as ever, nothing the patient typed).
    it.wait_for("the team's notice", |it| {
        it.mail.lock().unwrap().iter().any(|m| {
            // A long subject is folded over lines.
            let unfolded = m.split_whitespace().collect::<Vec<_>>().join(" ");
            unfolded.contains("at Denver Highlands (prefers Spanish)")
        })
    })
    .await;
    let mut staff = session_for(&it.app, store.as_ref(), "staff").await;
    let inbox = staff.get("/staff/requests").await;
    assert!(inbox.html.contains("prefers Spanish"), "{}", inbox.html);
    let page = staff.get(&format!("/staff/requests/{reference}")).await;
    assert!(page.html.contains("<strong>prefers Spanish</strong>"));
    assert!(
        page.html
            .contains("ya se puede recoger en Denver Highlands")
    );
    let marked = staff
        .post(
            &format!("/staff/requests/{reference}/status"),
            &[("status", "ready"), ("notify", "yes")],
        )
        .await;
    assert_eq!(marked.status, 303);
    it.wait_for("the text and the e-mail", |it| {
        !it.texts().is_empty() && !it.patient_mail().is_empty()
    })
    .await;
    let (_, sms) = &it.texts()[0];
    assert!(
        sms.contains(&format!("su solicitud {reference} ya se puede recoger")),
        "{sms}"
    );
    assert!(sms.contains(&format!("/es/requests/status?reference={reference}")));
    assert!(
        sms.ends_with("Responda STOP para dejar de recibir mensajes."),
        "{sms}"
    );
    let mail = &it.patient_mail()[0];
    assert!(
        mail.contains(&format!("Subject: Su solicitud {reference}")),
        "{mail}"
    );
    let (_, link) = mail
        .split_once("Para dejar de recibir estos correos: ")
        .unwrap_or_else(|| panic!("{mail}"));
    let link = link.split_whitespace().next().unwrap();
    let path = &link[link.find("/es/updates/unsubscribe/").unwrap()..];
    let (status, page) = text(&it.app, path).await;
    assert_eq!(status, 200);
    assert!(page.contains("<html lang=\"es\">") && page.contains("No quiero más correos"));
}

#[tokio::test]
async fn the_share_form_leaves_no_english_either() {
    let app = spawn_app(Backend::Sqlite).await;
    // What the patient typed comes back as typed.
    let mut allowed = data_values(&sample_pack());
    allowed.push("short".to_owned());
    let web = Web::from(&app);
    let mut pages = Vec::new();
    for lang in ["", "/es"] {
        let path = at(lang, "/testimonials/share");
        let (_, form) = text(&app, &path).await;
        let session = open_form_at(&web, &path).await;
        let response = post_at(&web, &path, &session, &[("quote", "short")]).await;
        assert_eq!(response.status(), 422);
        let refused = response.text().await.unwrap();
        let response = post_at(
            &web,
            &path,
            &session,
            &[
                ("quote", "Les preguntamos y nos ayudaron enseguida."),
                ("name", "Ana L."),
                ("place", "Denver"),
                ("consent", "yes"),
            ],
        )
        .await;
        assert_eq!(response.status(), 200);
        pages.push([form, refused, response.text().await.unwrap()]);
    }
    let (english, spanish) = (&pages[0], &pages[1]);
    assert!(spanish[0].contains("action=\"/es/testimonials/share\""));
    assert!(spanish[1].contains("Escriba una o dos frases"));
    assert!(spanish[2].contains("Gracias."));
    let mut left = Vec::new();
    for (english, spanish) in english.iter().zip(spanish) {
        left.extend(english_left("share", english, spanish, &allowed));
    }
    assert!(left.is_empty(), "{}", left.join("\n"));
}

#[tokio::test]
async fn a_refused_form_says_why_in_spanish_at_its_own_address() {
    let app = spawn_app(Backend::Sqlite).await;
    let response = app
        .client
        .post(format!("{}/es/requests/refill", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", &app.address)
        .body("name=Ana")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403, "no form token");
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">"));
    assert!(html.contains("<h1>Este formulario caducó</h1>"), "{html}");
    assert!(
        html.contains("<a href=\"/requests/refill\" hreflang=\"en\" lang=\"en\">"),
        "the switch leads to the same form in English: {html}"
    );
}
