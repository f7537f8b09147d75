//! The CLI's integration tests, one binary: each module is one former
//! test file. Every test runs the real `latchkey` binary as a child
//! process, so none of them needs a process of its own.

mod common;

mod chaining_cli;
mod closed_pipe;
mod crash_refresh;
mod info;
mod no_keyring;
mod oauth_cli;
mod oauth_matrix_cli;
mod openapi_cli;
mod request_cli;
mod serve;
mod service;
