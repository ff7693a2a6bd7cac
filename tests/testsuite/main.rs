//! The integration tests, one binary (each test binary links Typst): one module per feature.

mod bad_inputs;
mod catalogue;
mod cli;
mod common;
mod crosschecks;
mod determinism;
mod escaping;
mod explain;
mod fidelity;
mod output;
mod pdf_standards;
mod templates;
