//! `budgetnote`: budget proposals kept as TOML, validated, cross-checked and typeset to PDF.
//!
//! The pipeline, one module per stage: [`parse`] → [`validate`] → [`fill`] → [`typeset`] → [`output`].
//! [`Project`] ties the stages together for one project root; the CLI is a thin layer over it.

pub mod accounts;
pub mod acknowledge;
pub mod annex;
pub mod build;
pub mod bundle;
pub mod cache;
pub mod catalogue;
pub mod checked;
pub mod checks;
pub mod cli;
pub mod config;
pub mod dates;
pub mod diagnostic;
pub mod diff;
pub mod document;
pub mod error;
pub mod export;
pub mod figures;
pub mod files;
pub mod fill;
pub mod forms;
pub mod git;
pub mod hash;
pub mod interval;
pub mod ledger;
pub mod links;
pub mod logo;
pub mod manifest;
pub mod markdown;
pub mod model;
pub mod nesting;
pub mod number;
pub mod output;
pub mod parse;
pub mod pdf;
pub mod project;
pub mod refusal;
pub mod schema;
pub mod sheets;
pub mod source;
pub mod sources;
pub mod typeset;
pub mod unit;
pub mod validate;
pub mod view;

pub use document::{
    Checked, add_duplicate, check_file, check_source, check_source_with, duplicate_ids, read_text,
};
pub use error::AppError;
pub use project::{Made, Project, Reuse};
