//! Services and users through the one handle the app and CLI share.

use crate::support::{open, snapshot, valid_input};
use latchkey_core::{
    AuthKind, ClientAuth, Error, ErrorCode, Latchkey, Param, Secret, ServiceInput, TokenPlacement,
    UserInput, UserStatus,
};

fn param(name: &str, value: &str) -> Param {
    Param {
        name: name.into(),
        value: value.into(),
    }
}

/// Each bad input with the field it names and a piece of its message.
fn bad_inputs() -> Vec<(&'static str, ServiceInput, &'static str, &'static str)> {
    let base = || valid_input("goto");
    let with = |f: &dyn Fn(&mut ServiceInput)| {
        let mut input = base();
        f(&mut input);
        input
    };
    vec![
        ("empty slug", with(&|i| i.slug = "".into()), "slug", "slug is required"),
        ("uppercase slug", with(&|i| i.slug = "GoTo".into()), "slug", "slug `GoTo` must be lowercase: try `goto`"),
        ("slug with a space", with(&|i| i.slug = "go to".into()), "slug", "may contain only lowercase letters, digits and hyphens"),
        ("slug with an underscore", with(&|i| i.slug = "go_to".into()), "slug", "may contain only lowercase letters"),
        ("slug starting with a hyphen", with(&|i| i.slug = "-goto".into()), "slug", "must start and end with a letter or digit"),
        ("slug too long", with(&|i| i.slug = "a".repeat(65)), "slug", "longer than 64"),
        ("duplicate slug", with(&|i| i.slug = "existing".into()), "slug", "a service with slug `existing` already exists: choose another slug or edit it"),
        ("http token URL on a remote host", with(&|i| i.token_url = Some("http://auth.example.com/token".into())), "token_url", "token URL `http://auth.example.com/token` must use https: plain http is allowed only for 127.0.0.1, localhost and [::1]"),
        ("ftp authorize URL", with(&|i| i.authorize_url = Some("ftp://auth.example.com/authorize".into())), "authorize_url", "must use https, not `ftp`"),
        ("token URL that is not a URL", with(&|i| i.token_url = Some("auth.example.com/token".into())), "token_url", "is not a valid URL: write it in full, starting with https://"),
        ("token URL with a fragment", with(&|i| i.token_url = Some("https://auth.example.com/token#x".into())), "token_url", "must not contain a #fragment"),
        ("token URL with credentials", with(&|i| i.token_url = Some("https://u:p@auth.example.com/token".into())), "token_url", "must not contain a user name or password"),
        ("http API base URL", with(&|i| i.api_base_url = Some("http://api.example.com".into())), "api_base_url", "API base URL `http://api.example.com` must use https"),
        ("redirect URI on a remote host", with(&|i| i.redirect_uri = Some("http://example.com:8749/callback".into())), "redirect_uri", "must point at 127.0.0.1, localhost or [::1]"),
        ("https redirect URI", with(&|i| i.redirect_uri = Some("https://127.0.0.1:8749/callback".into())), "redirect_uri", "must use http"),
        ("redirect URI without a port", with(&|i| i.redirect_uri = Some("http://127.0.0.1/callback".into())), "redirect_uri", "needs an explicit port"),
        ("redirect URI without a path", with(&|i| i.redirect_uri = Some("http://localhost:8749".into())), "redirect_uri", "needs a path after the port"),
        ("empty client id for authorization_code", with(&|i| i.client_id = Some("  ".into())), "client_id", "client ID is required for authorization code services"),
        ("client id with a space", with(&|i| i.client_id = Some("a b".into())), "client_id", "must not contain spaces"),
        ("authorization_code without an authorize URL", with(&|i| i.authorize_url = None), "authorize_url", "authorize URL is required for authorization code services"),
        ("client_credentials without a token URL", with(&|i| { i.auth_kind = AuthKind::ClientCredentials; i.token_url = None; }), "token_url", "token URL is required for client credentials services"),
        ("device_code without a device URL", with(&|i| i.auth_kind = AuthKind::DeviceCode), "device_url", "device authorization URL is required for device code services"),
        ("secret with client auth none", with(&|i| { i.client_auth = ClientAuth::None; i.client_secret = Some(Secret::new("s")); }), "client_secret", "client auth is `none`"),
        ("empty secret", with(&|i| i.client_secret = Some(Secret::new(""))), "client_secret", "client secret is empty"),
        ("secret with a line break", with(&|i| i.client_secret = Some(Secret::new("a\nb"))), "client_secret", "must not contain line breaks"),
        ("scope with a space under a comma separator", with(&|i| { i.scopes = "repo, read user".into(); i.scope_separator = Some(",".into()); }), "scopes", "scope `read user` contains a space"),
        ("scope with a quote", with(&|i| i.scopes = "a\"b".into()), "scopes", "which OAuth scopes cannot contain"),
        ("empty scope separator", with(&|i| i.scope_separator = Some("".into())), "scopes", "scope separator must not be empty"),
        ("reserved token param", with(&|i| i.token_params = vec![param("grant_type", "x")]), "token_params", "token parameter `grant_type` is set by Latchkey itself"),
        ("reserved authorize param", with(&|i| i.authorize_params = vec![param("state", "x")]), "authorize_params", "authorize parameter `state` is set by Latchkey itself"),
        ("duplicate authorize param", with(&|i| i.authorize_params = vec![param("access_type", "offline"), param("access_type", "online")]), "authorize_params", "authorize parameter `access_type` is given twice"),
        ("param without a name", with(&|i| i.token_params = vec![param("", "x")]), "token_params", "token parameter #1 has no name"),
        ("empty header name", with(&|i| i.token_placement = TokenPlacement::Header { name: " ".into(), prefix: "Bearer".into() }), "token_placement", "token header name is required"),
        ("bad header name", with(&|i| i.token_placement = TokenPlacement::Header { name: "X Auth".into(), prefix: "Bearer".into() }), "token_placement", "is not a valid HTTP header name"),
        ("query placement without a name", with(&|i| i.token_placement = TokenPlacement::Query { name: "".into() }), "token_placement", "a query parameter name is required"),
        ("unknown preset", with(&|i| i.preset = Some("nope".into())), "preset", "there is no preset `nope`"),
        ("name with a line break", with(&|i| i.name = Some("a\nb".into())), "name", "must not contain control characters"),
    ]
}

#[test]
fn every_bad_input_gets_its_own_message_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    app.create_service(&valid_input("existing")).unwrap();
    crate::support::add_user(&app, "existing", "u1");
    let before = snapshot(&app);
    for (case, input, field, want) in bad_inputs() {
        let err = app.create_service(&input).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(want),
            "{case}: got `{message}`, want `{want}`"
        );
        match &err {
            Error::Validation(fields) => {
                assert_eq!(fields.len(), 1, "{case}: {fields:?}");
                assert_eq!(fields[0].field, field, "{case}");
                assert_eq!(err.code(), ErrorCode::InvalidInput, "{case}");
                assert_eq!(err.to_payload().fields, *fields, "{case}");
            }
            Error::Conflict(_) => assert_eq!(field, "slug", "{case}"),
            other => panic!("{case}: unexpected error kind {other:?}"),
        }
        // The same input as an edit of the existing service fails the same way.
        if field != "slug" {
            let err = app.update_service("existing", &input).unwrap_err();
            assert!(err.to_string().contains(want), "{case} (edit): {err}");
        }
        assert_eq!(snapshot(&app), before, "{case}: the store changed");
    }
}

#[test]
fn a_bad_name_value_param_is_named_as_such() {
    let err = Param::parse("audience", "token_params").unwrap_err();
    assert_eq!(err.field, "token_params");
    assert_eq!(
        err.message,
        "token parameter `audience` is not in name=value form"
    );
}

#[test]
fn create_list_get_edit_and_remove() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let mut input = valid_input("gotomeeting");
    input.client_secret = Some(Secret::new("s3cret"));
    input.scopes = "a b  a".into();
    input.token_params = vec![param("audience", "api")];
    let created = app.create_service(&input).unwrap();
    assert_eq!(created.spec.slug, "gotomeeting");
    assert_eq!(created.spec.scopes, ["a", "b"]);
    assert!(created.has_client_secret);
    assert_eq!(
        created.spec.redirect_uri.as_deref(),
        Some("http://127.0.0.1:8749/callback")
    );
    assert_eq!(app.get_service("gotomeeting").unwrap(), created);
    assert_eq!(app.list_services().unwrap(), vec![created.clone()]);

    // Edit from the stored definition: the secret is kept unless replaced.
    let mut edit = ServiceInput::from(&created.spec);
    edit.slug = "goto".into();
    edit.token_placement = TokenPlacement::Header {
        name: "Authorization".into(),
        prefix: "OAuth2".into(),
    };
    let edited = app.update_service("gotomeeting", &edit).unwrap();
    assert_eq!(edited.id, created.id);
    assert_eq!(edited.spec.slug, "goto");
    assert!(edited.has_client_secret);
    assert_eq!(
        app.client_secret("goto").unwrap().unwrap().expose(),
        "s3cret"
    );
    assert_eq!(
        app.get_service("gotomeeting").unwrap_err().code(),
        ErrorCode::NotFound
    );
    edit.clear_client_secret = true;
    assert!(!app.update_service("goto", &edit).unwrap().has_client_secret);

    // Renaming onto another service's slug is refused.
    app.create_service(&valid_input("other")).unwrap();
    edit.slug = "other".into();
    let err = app.update_service("goto", &edit).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);

    let removed = app.remove_service("goto", false).unwrap();
    assert_eq!(removed.users_removed, 0);
    assert_eq!(app.list_services().unwrap().len(), 1);
    assert_eq!(
        app.remove_service("goto", false).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

#[test]
fn a_service_with_users_is_removed_only_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    app.create_service(&valid_input("goto")).unwrap();
    for id in ["a@example.com", "b@example.com"] {
        app.add_user(
            "goto",
            &UserInput {
                external_id: id.into(),
                label: None,
            },
        )
        .unwrap();
    }
    let err = app.remove_service("goto", false).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(
        err.to_string(),
        "service `goto` has 2 users: pass --force to remove it and them"
    );
    assert_eq!(app.list_users("goto").unwrap().len(), 2);
    let removed = app.remove_service("goto", true).unwrap();
    assert_eq!(removed.users_removed, 2);
    assert!(app.list_services().unwrap().is_empty());
}

#[test]
fn users_are_added_listed_and_removed_with_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    app.create_service(&valid_input("goto")).unwrap();
    let user = app
        .add_user(
            "goto",
            &UserInput {
                external_id: "crm-item-4711".into(),
                label: Some(" Sales team ".into()),
            },
        )
        .unwrap();
    assert_eq!(user.status, UserStatus::New);
    assert_eq!(user.label.as_deref(), Some("Sales team"));
    assert_eq!(user.service_slug, "goto");
    assert!(user.granted_scopes.is_empty() && user.expires_at.is_none());

    let before = snapshot(&app);
    let cases: Vec<(&str, UserInput, &str)> = vec![
        (
            "duplicate",
            UserInput {
                external_id: "crm-item-4711".into(),
                label: None,
            },
            "service `goto` already has a user `crm-item-4711`",
        ),
        (
            "empty",
            UserInput {
                external_id: " ".into(),
                label: None,
            },
            "user id is required",
        ),
        (
            "too long",
            UserInput {
                external_id: "x".repeat(201),
                label: None,
            },
            "user id is longer than 200 characters",
        ),
        (
            "line break",
            UserInput {
                external_id: "a\nb".into(),
                label: None,
            },
            "must not contain line breaks",
        ),
        (
            "padded",
            UserInput {
                external_id: " a".into(),
                label: None,
            },
            "starts or ends with a space",
        ),
    ];
    for (case, input, want) in cases {
        let err = app.add_user("goto", &input).unwrap_err();
        assert!(err.to_string().contains(want), "{case}: {err}");
        assert_eq!(snapshot(&app), before, "{case}");
    }
    let err = app
        .add_user(
            "nope",
            &UserInput {
                external_id: "x".into(),
                label: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert!(
        err.to_string().contains("there is no service `nope`"),
        "{err}"
    );

    assert_eq!(app.get_user("goto", "crm-item-4711").unwrap(), user);
    assert_eq!(app.list_users("goto").unwrap(), vec![user.clone()]);
    app.remove_user("goto", "crm-item-4711").unwrap();
    let err = app.remove_user("goto", "crm-item-4711").unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    assert_eq!(
        err.to_string(),
        "service `goto` has no user `crm-item-4711`: `latchkey user list goto` shows its users"
    );
}

fn export_text(app: &Latchkey, with_secrets: bool) -> String {
    serde_json::to_string(&app.export_services(&[], with_secrets).unwrap()).unwrap()
}

#[test]
fn export_leaves_secrets_out_unless_asked_and_import_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let mut input = valid_input("goto");
    input.client_secret = Some(Secret::new("export-me-not"));
    input.authorize_params = vec![param("access_type", "offline")];
    app.create_service(&input).unwrap();
    app.create_service(&valid_input("podio")).unwrap();

    let plain = export_text(&app, false);
    assert!(!plain.contains("export-me-not"), "{plain}");
    assert!(plain.contains("\"latchkey_export\":1"), "{plain}");
    let full = export_text(&app, true);
    assert!(full.contains("export-me-not"));

    let other = tempfile::tempdir().unwrap();
    let copy = open(other.path());
    let imported = copy.import_services(&full).unwrap();
    assert_eq!(imported.len(), 2);
    assert_eq!(
        copy.client_secret("goto").unwrap().unwrap().expose(),
        "export-me-not"
    );
    let (a, b) = (
        app.get_service("goto").unwrap(),
        copy.get_service("goto").unwrap(),
    );
    assert_eq!(a.spec, b.spec);

    // A second import of the same services conflicts, and adds nothing.
    let before = snapshot(&copy);
    let err = copy.import_services(&plain).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert_eq!(snapshot(&copy), before);

    // Only the chosen services; an unknown slug is an error.
    let doc = app.export_services(&["podio".into()], false).unwrap();
    assert_eq!(doc.services.len(), 1);
    let err = app.export_services(&["nope".into()], false).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[test]
fn a_bad_import_writes_nothing_and_says_which_service_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    app.create_service(&valid_input("existing")).unwrap();
    let before = snapshot(&app);
    let good = serde_json::to_value(ServiceInput::from(&valid_input_spec("fresh"))).unwrap();
    let mut bad_url = good.clone();
    bad_url["slug"] = "second".into();
    bad_url["token_url"] = "http://auth.example.com/token".into();
    let mut bad_auth = good.clone();
    bad_auth["client_auth"] = "digest".into();
    let mut typo = good.clone();
    typo["client_secrt"] = "x".into();
    let doc = |services: Vec<serde_json::Value>| {
        serde_json::json!({"latchkey_export": 1, "services": services}).to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "one bad service among good ones",
            doc(vec![good.clone(), bad_url]),
            "service #2 (`second`): token URL `http://auth.example.com/token` must use https",
        ),
        (
            "unknown client auth",
            doc(vec![bad_auth]),
            "unknown variant `digest`, expected one of `basic`, `post`, `none`",
        ),
        (
            "misspelt field",
            doc(vec![typo]),
            "unknown field `client_secrt`",
        ),
        (
            "the same slug twice",
            doc(vec![good.clone(), good.clone()]),
            "service #2 (`fresh`): the file lists this slug twice",
        ),
        (
            "a slug that exists",
            doc(vec![good.clone(), {
                let mut e = good.clone();
                e["slug"] = "existing".into();
                e
            }]),
            "a service with slug `existing` already exists",
        ),
        (
            "not JSON",
            "{services: []".into(),
            "the import file is not valid JSON",
        ),
        (
            "not an export",
            "{\"services\": []}".into(),
            "is not a Latchkey export",
        ),
        (
            "from a newer Latchkey",
            "{\"latchkey_export\": 2, \"services\": []}".into(),
            "export version 2, this build reads 1",
        ),
        (
            "no services list",
            "{\"latchkey_export\": 1}".into(),
            "has no `services` list",
        ),
    ];
    for (case, text, want) in cases {
        let err = app.import_services(&text).unwrap_err();
        assert!(err.to_string().contains(want), "{case}: {err}");
        assert_ne!(err.code(), ErrorCode::Internal, "{case}");
        assert_eq!(snapshot(&app), before, "{case}: the store changed");
    }
}

fn valid_input_spec(slug: &str) -> latchkey_core::ServiceSpec {
    latchkey_core::service::validate(&valid_input(slug))
        .unwrap()
        .spec
}

#[test]
fn a_preset_fills_the_service_and_flags_override_it() {
    let tmp = tempfile::tempdir().unwrap();
    let app = open(tmp.path());
    let preset = latchkey_core::find_preset("podio").unwrap();
    let mut input = ServiceInput::from_preset("podio", preset);
    input.client_id = Some("my-podio-app".into());
    let service = app.create_service(&input).unwrap();
    assert_eq!(service.spec.preset.as_deref(), Some("podio"));
    assert_eq!(service.spec.token_placement, preset.token_placement);
    assert!(matches!(
        &service.spec.token_placement,
        TokenPlacement::Header { prefix, .. } if prefix == "OAuth2"
    ));
}
