//! API descriptions: the fixture's meetings API as OpenAPI 3.0 YAML and as
//! Swagger 2.0 read to the same service and operations; 3.1 details
//! (type lists, cycles, openIdConnect); every kind of bad document refused
//! with a precise message and nothing stored.

use latchkey_core::model::{AuthKind, ParameterLocation};
use latchkey_core::openapi::{read, Flow, Purpose};
use latchkey_core::{ErrorCode, ServiceInput};
use serde_json::json;
use std::path::PathBuf;

const ORIGIN: &str = "http://127.0.0.1:4010";

fn fixture(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/openapi");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn for_service(name: &str) -> latchkey_core::openapi::ApiDescription {
    read(&fixture(name), name, None, Purpose::Service(None)).unwrap()
}

#[test]
fn openapi_3_yaml_and_swagger_2_read_to_the_same_service_and_operations() {
    let v3 = for_service("meetings.openapi.yaml");
    let v2 = for_service("meetings.swagger.json");
    assert_eq!(v3.spec.to_string(), "OpenAPI 3.0.3");
    assert_eq!(v2.spec.to_string(), "Swagger 2.0");
    for api in [&v3, &v2] {
        assert_eq!(api.title.as_deref(), Some("Test Meetings API"));
        // servers[0] with its variable's default; schemes + host + basePath.
        assert_eq!(api.base_url.as_deref(), Some(&*format!("{ORIGIN}/api")));
        let oauth = api.oauth.as_ref().unwrap();
        assert_eq!(oauth.name, "goto_oauth");
        assert_eq!(oauth.flow, Flow::AuthorizationCode);
        assert_eq!(
            oauth.authorize_url.as_deref(),
            Some(&*format!("{ORIGIN}/auth"))
        );
        assert_eq!(
            oauth.token_url.as_deref(),
            Some(&*format!("{ORIGIN}/token"))
        );
        // The scopes the security requirement asks for, not every one defined.
        assert_eq!(oauth.scopes, ["meetings"]);

        let create = api
            .operations
            .iter()
            .find(|op| op.is_named("createMeeting"))
            .unwrap();
        assert_eq!(
            (create.method.as_str(), create.path.as_str()),
            ("POST", "/meetings")
        );
        let body = create.request_body.as_ref().unwrap();
        assert_eq!(body.content_type, "application/json");
        assert!(body.required);
        // Required first, examples where given, the first enum value, typed placeholders.
        let keys: Vec<&String> = body.skeleton.as_object().unwrap().keys().collect();
        assert_eq!(&keys[..3], ["subject", "starttime", "endtime"]);
        assert_eq!(body.skeleton["subject"], "Weekly sync");
        assert_eq!(body.skeleton["starttime"], "2030-01-07T09:00:00Z");
        assert_eq!(body.skeleton["conferencecallinfo"], "Hybrid");
        assert_eq!(body.skeleton["meetingtype"], "scheduled");
        assert_eq!(body.skeleton["passwordrequired"], false);

        let get = api
            .operations
            .iter()
            .find(|op| op.is_named("get /meetings/{meetingId}"))
            .unwrap();
        assert_eq!(get.operation_id.as_deref(), Some("getMeeting"));
        // The path-level parameter and the operation's own, in that order.
        let params: Vec<(&str, ParameterLocation, bool)> = get
            .parameters
            .iter()
            .map(|p| (p.name.as_str(), p.location, p.required))
            .collect();
        assert_eq!(
            params,
            [
                ("meetingId", ParameterLocation::Path, true),
                ("include", ParameterLocation::Query, false)
            ]
        );
        assert_eq!(get.parameters[0].example, json!(123456789));
        assert_eq!(get.parameters[1].example, json!("organizer"));
        // The answer's schema, its cycle (organizer.delegates) cut, not looping.
        let answer = get.response_schema.as_ref().unwrap().to_string();
        assert!(answer.contains("x-latchkey-cycle"), "{answer}");
    }
    let ids = |api: &latchkey_core::openapi::ApiDescription| {
        let mut ids: Vec<String> = api
            .operations
            .iter()
            .filter_map(|op| op.operation_id.clone())
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&v2), ["createMeeting", "getMeeting", "getMeetings"]);
    assert_eq!(
        ids(&v3),
        ["createMeeting", "getMe", "getMeeting", "getMeetings"]
    );
}

#[test]
fn openapi_3_1_type_lists_cycles_and_an_openid_connect_scheme() {
    let api = for_service("oidc.openapi31.json");
    assert_eq!(api.spec.to_string(), "OpenAPI 3.1.0");
    let oauth = api.oauth.as_ref().unwrap();
    assert_eq!(oauth.flow, Flow::OpenIdConnect);
    assert_eq!(
        oauth.discovery_url.as_deref(),
        Some(&*format!("{ORIGIN}/.well-known/openid-configuration"))
    );
    assert_eq!(oauth.scopes, ["email", "meetings"]);
    let plant = &api.operations[0];
    assert_eq!(
        plant.request_body.as_ref().unwrap().skeleton,
        json!({"label": "<string>", "children": []})
    );
}

#[test]
fn each_flow_kind_and_the_one_asked_for() {
    let doc = json!({
        "openapi": "3.2.0",
        "info": {"title": "Flows", "version": "1"},
        "servers": [{"url": "https://{region}.api.example.test/v{major}",
                     "variables": {"region": {"default": "eu"}, "major": {"default": "2"}}}],
        "components": {"securitySchemes": {
            "machine": {"type": "oauth2", "flows": {"clientCredentials": {
                "tokenUrl": "/oauth/token", "scopes": {"read": "", "write": ""}}}},
            "tv": {"type": "oauth2", "flows": {"deviceAuthorization": {
                "deviceAuthorizationUrl": "https://auth.example.test/device",
                "tokenUrl": "https://auth.example.test/token", "scopes": {"watch": ""}}}}
        }},
        "paths": {}
    })
    .to_string();
    let any = read(&doc, "flows.json", None, Purpose::Service(None)).unwrap();
    assert_eq!(
        any.base_url.as_deref(),
        Some("https://eu.api.example.test/v2")
    );
    let chosen = any.oauth.unwrap();
    assert_eq!(chosen.flow, Flow::DeviceAuthorization);
    assert_eq!(
        chosen.device_url.as_deref(),
        Some("https://auth.example.test/device")
    );

    let machine = read(
        &doc,
        "flows.json",
        None,
        Purpose::Service(Some(AuthKind::ClientCredentials)),
    )
    .unwrap()
    .oauth
    .unwrap();
    assert_eq!(machine.name, "machine");
    // A relative token URL resolves against the server.
    assert_eq!(
        machine.token_url.as_deref(),
        Some("https://eu.api.example.test/oauth/token")
    );
    assert_eq!(machine.scopes, ["read", "write"]);

    let err = read(
        &doc,
        "flows.json",
        None,
        Purpose::Service(Some(AuthKind::AuthorizationCode)),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "flows.json has no OAuth flow for --auth-kind authorization_code: it offers `tv` (device authorization), `machine` (client credentials)"
    );
}

#[test]
fn bad_documents_get_precise_errors() {
    let cases: Vec<(String, &str, &str)> = vec![
        (fixture("bad-not-openapi.json"), "bad-not-openapi.json", "bad-not-openapi.json is not an OpenAPI document: it has no `openapi` or `swagger` field (its top-level keys: name, version, dependencies)"),
        (fixture("bad-no-oauth.yaml"), "bad-no-oauth.yaml", "bad-no-oauth.yaml has no OAuth 2.0 security scheme with the authorization code, client credentials or device flow, nor an openIdConnect scheme (it has `key` (apiKey), `legacy` (oauth2 with only the implicit or password flow, which Latchkey does not use)); nothing was stored"),
        (fixture("bad-syntax.yaml"), "bad-syntax.yaml", "bad-syntax.yaml is neither JSON nor valid YAML (line 4, column 6"),
        (fixture("bad-dangling-ref.yaml"), "bad-dangling-ref.yaml", "bad-dangling-ref.yaml: POST /things: the document refers to `#/components/schemas/Missing`, which it does not contain"),
        ("{\"openapi\": \"3.0.0\", ".into(), "cut.json", "cut.json is not valid JSON (line 1"),
        ("".into(), "empty.yaml", "empty.yaml is empty"),
        ("- a\n- list\n".into(), "list.yaml", "list.yaml is not an OpenAPI document: its top level is a list"),
        ("swagger: '1.2'\n".into(), "old.yaml", "old.yaml says `swagger: 1.2`"),
        ("openapi: 4.0.0\n".into(), "new.yaml", "new.yaml says `openapi: 4.0.0`: Latchkey reads OpenAPI 3.0, 3.1 and 3.2 and Swagger 2.0"),
        ("openapi: 3.0.0\nservers: [{url: 'https://{tenant}.example.test'}]\n".into(), "vars.yaml", "servers[0] uses the variable `{tenant}`, which has no default"),
        ("openapi: 3.0.0\ncomponents: {securitySchemes: {o: {type: openIdConnect}}}\n".into(), "oidc.yaml", "security scheme `o` is openIdConnect but has no `openIdConnectUrl`"),
        ("openapi: 3.0.0\ncomponents: {securitySchemes: {o: {$ref: '#/components/securitySchemes/o'}}}\n".into(), "loop.yaml", "points back to itself"),
        ("openapi: 3.0.0\ncomponents: {securitySchemes: {o: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'ftp://x/token', scopes: {}}}}}}\n".into(), "ftp.yaml", "`tokenUrl` must be an http(s) URL, not `ftp:`"),
    ];
    for (text, name, expected) in cases {
        let err = read(&text, name, None, Purpose::Service(None)).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{name}");
        let message = err.to_string();
        assert!(message.contains(expected), "{name}: {message}");
    }
}

#[test]
fn a_self_referencing_document_is_read_without_hanging() {
    // Schemas that refer to each other in a ring and one that branches
    // twice per level, 30 levels deep (2^30 copies if inlined naively).
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "A".into(),
        json!({"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}}),
    );
    schemas.insert(
        "B".into(),
        json!({"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}),
    );
    for i in 0..30 {
        let next = format!("#/components/schemas/L{}", i + 1);
        schemas.insert(
            format!("L{i}"),
            json!({"type": "object", "properties": {"x": {"$ref": next}, "y": {"$ref": next}}}),
        );
    }
    schemas.insert("L30".into(), json!({"type": "string"}));
    let doc = json!({
        "openapi": "3.1.0", "info": {"title": "Loops", "version": "1"},
        "servers": [{"url": "https://api.example.test"}],
        "components": {"schemas": schemas, "securitySchemes": {"o": {"type": "oauth2", "flows": {
            "authorizationCode": {"authorizationUrl": "https://a.example.test/auth",
                                  "tokenUrl": "https://a.example.test/token", "scopes": {}}}}}},
        "paths": {"/ring": {"post": {"requestBody": {"content": {"application/json": {
                      "schema": {"$ref": "#/components/schemas/A"}}}}, "responses": {}}},
                  "/wide": {"post": {"requestBody": {"content": {"application/json": {
                      "schema": {"$ref": "#/components/schemas/L0"}}}}, "responses": {}}}}
    });
    let api = read(&doc.to_string(), "loops.json", None, Purpose::Service(None)).unwrap();
    let ring = &api.operations[0].request_body.as_ref().unwrap().skeleton;
    // A refers to B refers to A: cut where the ring closes.
    assert_eq!(ring, &json!({"b": {"a": null}}));
    assert!(api.operations[1].request_body.as_ref().unwrap().skeleton["x"].is_object());
}

#[test]
fn operations_are_stored_with_the_service_and_replaced_by_a_newer_document() {
    crate::support::require_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let app = crate::support::open(tmp.path());
    let v3 = for_service("meetings.openapi.yaml");
    let imported = latchkey_core::service::ImportedApi {
        description: v3.clone(),
        discovered: None,
    };
    let mut input = latchkey_core::service::draft(None, "goto").unwrap();
    input.apply_api(&imported);
    input.client_id = Some("latchkey-public".into());
    let service = app
        .create_service_with_operations(&input, &v3.operations)
        .unwrap();
    assert_eq!(service.spec.name, "Test Meetings API");
    assert_eq!(
        service.spec.api_base_url.as_deref(),
        Some(&*format!("{ORIGIN}/api"))
    );
    assert_eq!(service.spec.scopes, ["meetings"]);
    assert_eq!(app.list_operations("goto").unwrap(), v3.operations);
    assert_eq!(
        app.operation("goto", "POST /meetings")
            .unwrap()
            .operation_id
            .as_deref(),
        Some("createMeeting")
    );
    let missing = app.operation("goto", "deleteMeeting").unwrap_err();
    assert_eq!(missing.code(), ErrorCode::NotFound);
    assert!(
        missing
            .to_string()
            .contains("`latchkey operations goto` lists them"),
        "{missing}"
    );

    // A newer document replaces the list whole.
    let v2 = read(
        &fixture("meetings.swagger.json"),
        "v2",
        None,
        Purpose::Operations,
    )
    .unwrap();
    let change = app.replace_operations("goto", &v2.operations).unwrap();
    assert_eq!(app.list_operations("goto").unwrap().len(), 3);
    // The Swagger edition has no GET /me: matched by method and path.
    assert_eq!(change.to_string(), "0 added, 1 removed, 3 kept");

    // An input that does not validate stores neither service nor operations.
    let bad = ServiceInput {
        slug: "Bad Slug".into(),
        ..input.clone()
    };
    assert!(app
        .create_service_with_operations(&bad, &v3.operations)
        .is_err());
    assert_eq!(app.list_services().unwrap().len(), 1);
    // Removing the service removes its operations.
    app.remove_service("goto", false).unwrap();
    assert_eq!(
        app.list_operations("goto").unwrap_err().code(),
        ErrorCode::NotFound
    );
}

/// The window's "Update from API description" and `service edit --openapi`:
/// a newer edition's operations replace the old ones, counted; a bad
/// document, an empty source or an unknown service change nothing.
#[tokio::test]
async fn a_service_s_operations_are_updated_from_a_newer_document_or_left_alone() {
    crate::support::require_keyring();
    let tmp = tempfile::tempdir().unwrap();
    let app = crate::support::open(tmp.path());
    let v1 = for_service("meetings.openapi.yaml");
    let mut input = latchkey_core::service::draft(None, "goto").unwrap();
    input.apply_api(&latchkey_core::service::ImportedApi {
        description: v1.clone(),
        discovered: None,
    });
    input.client_id = Some("latchkey-public".into());
    app.create_service_with_operations(&input, &v1.operations)
        .unwrap();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/openapi");
    let ids = || -> Vec<String> {
        app.list_operations("goto")
            .unwrap()
            .iter()
            .map(|op| op.operation_id.clone().unwrap_or_default())
            .collect()
    };
    let before = ids();

    for (source, says) in [
        (
            dir.join("bad-syntax.yaml").display().to_string(),
            "bad-syntax.yaml",
        ),
        (
            dir.join("bad-not-openapi.json").display().to_string(),
            "is not an OpenAPI document",
        ),
        ("  ".to_string(), "give the path of an OpenAPI"),
        (
            dir.join("no-such.yaml").display().to_string(),
            "cannot read the API description",
        ),
    ] {
        let err = app
            .update_operations_from("goto", &source)
            .await
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
        assert!(err.to_string().contains(says), "{source}: {err}");
        assert_eq!(ids(), before, "{source} changed the operations");
    }
    let err = app
        .update_operations_from(
            "nope",
            &dir.join("meetings-v2.openapi.yaml").display().to_string(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);

    let change = app
        .update_operations_from(
            "goto",
            &dir.join("meetings-v2.openapi.yaml").display().to_string(),
        )
        .await
        .unwrap();
    assert_eq!((change.added, change.removed, change.kept), (2, 1, 3));
    let after = ids();
    assert!(after.contains(&"deleteMeeting".to_string()), "{after:?}");
    assert!(!after.contains(&"getMe".to_string()), "{after:?}");
    // A kept operation carries the new edition's schema.
    let create = app.operation("goto", "createMeeting").unwrap();
    let schema = &create.request_body.unwrap().schema;
    assert_eq!(schema["properties"]["maxParticipants"]["type"], "integer");
}
