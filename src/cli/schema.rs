//! `recourse schema`: the JSON Schema of a document format.

use super::io::{guard, write_document};
use std::path::PathBuf;

/// Write the JSON Schema of a document format.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse schema scenario -o scenario.schema.json
  recourse schema proposals > proposals.schema.json")]
pub struct Args {
    #[arg(value_enum)]
    pub document: SchemaDoc,
    /// Output file (replaced atomically; a device or FIFO is written in place); standard output when absent or -.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SchemaDoc {
    Scenario,
    Proposals,
}

pub fn run(args: Args) -> i32 {
    let output = match guard(args.output.as_deref(), &[]) {
        Ok(output) => output,
        Err(code) => return code,
    };
    let schema = match args.document {
        SchemaDoc::Scenario => recourse::documents::schema::scenario_schema(),
        SchemaDoc::Proposals => recourse::documents::schema::proposals_schema(),
    };
    write_document(&schema, output)
}
