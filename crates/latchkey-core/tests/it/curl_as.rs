//! "Copy as cURL" of a send: the URL resolved against the service, and the
//! token as `$LATCHKEY_TOKEN` where the service would put it.

use crate::support::{open, require_keyring, valid_input};
use latchkey_core::http::{RequestBody, RequestSpec};
use latchkey_core::{ErrorCode, SendRequest, TokenPlacement};

fn send(user: Option<&str>) -> SendRequest {
    SendRequest {
        service: Some("goto".into()),
        user: user.map(String::from),
        request: RequestSpec {
            method: "POST".into(),
            url: "/meetings".into(),
            body: RequestBody::Json {
                text: r#"{"subject":"It's on"}"#.into(),
            },
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn curl_commands_place_the_token_placeholder_as_the_service_says() {
    require_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    app.create_service(&valid_input("goto")).unwrap();
    crate::support::add_user(&app, "goto", "alice");

    let curl = app.curl_command(&send(Some("alice")), false).unwrap();
    assert!(
        curl.starts_with("curl 'https://api.getgo.com/G2M/rest/meetings'"),
        "{curl}"
    );
    assert!(
        curl.contains(r#"-H 'Authorization: Bearer '"$LATCHKEY_TOKEN""#),
        "{curl}"
    );
    assert!(
        curl.contains(r#"--data-raw '{"subject":"It'\''s on"}'"#),
        "{curl}"
    );

    // No user, or --no-auth: no token at all.
    for curl in [
        app.curl_command(&send(None), false).unwrap(),
        app.curl_command(&send(Some("alice")), true).unwrap(),
    ] {
        assert!(
            !curl.contains("LATCHKEY_TOKEN") && !curl.contains("Authorization"),
            "{curl}"
        );
    }

    // A query-parameter service gets the placeholder in the URL.
    let mut input = valid_input("goto");
    input.token_placement = TokenPlacement::Query {
        name: "access_token".into(),
    };
    app.update_service("goto", &input).unwrap();
    let curl = app.curl_command(&send(Some("alice")), false).unwrap();
    assert!(
        curl.starts_with(
            r#"curl 'https://api.getgo.com/G2M/rest/meetings?access_token='"$LATCHKEY_TOKEN" \"#
        ),
        "{curl}"
    );

    let err = app.curl_command(&send(Some("bob")), false).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}
