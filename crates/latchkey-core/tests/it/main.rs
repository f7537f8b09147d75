//! The core's integration tests, one binary: each module is one former
//! test file (linking one binary per file cost ~40 MB of disk each).

mod support;

mod at_rest;
mod credentials;
mod curl_as;
mod http;
mod layers;
mod local_api;
mod oauth_code;
mod oauth_iss;
mod oauth_matrix;
mod oauth_quirks;
mod oauth_tokens;
mod openapi;
mod progress;
mod properties;
mod requests;
mod secret_scan;
mod services;
mod store;
mod vault;
