//! The integration tests, one binary (each test binary links Typst): one module per feature.

mod amendment;
mod bad_inputs;
mod catalogue;
mod check_render;
mod cli;
mod common;
mod crosschecks;
mod determinism;
mod diff;
mod escaping;
mod explain;
mod fidelity;
mod figures;
mod forms;
mod fuzz;
mod golden;
mod init;
mod new;
mod output;
pub mod pdf_positions;
pub mod pdf_standards;
mod profile;
mod schema;
mod tables;
mod templates;
mod watch;
