//! pestle's integration tests: one binary (faster to link), one module per area.
//! Tests that touch a database run on SQLite and on PostgreSQL (see `helpers::on_both_backends`).

// Test setup may panic: a failed precondition should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod accounts;
mod acme;
mod advice;
mod backups;
mod boundaries;
mod check;
mod cli;
mod cluster;
mod connections;
mod content_api;
mod content_editing;
mod crash;
mod doctor;
mod https;
mod import;
mod leaks;
mod library;
mod metrics;
mod notify;
mod observatory;
mod pages;
mod patient_updates;
mod provider_opt_out;
mod proxies;
mod rendering;
mod requests;
mod search;
mod server;
mod sign_in;
mod spanish;
mod spanish_requests;
mod staff;
mod status_page;
mod store_contract;
mod translation_editing;
mod upgrades;
