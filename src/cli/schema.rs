//! `recourse schema`: the JSON Schema of a document format.

use super::io::print_json;

/// Print the JSON Schema of a document format.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse schema scenario > scenario.schema.json
  recourse schema proposals > proposals.schema.json")]
pub struct Args {
    #[arg(value_enum)]
    pub document: SchemaDoc,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum SchemaDoc {
    Scenario,
    Proposals,
}

pub fn run(args: Args) -> i32 {
    match args.document {
        SchemaDoc::Scenario => print_json(&recourse::documents::schema::scenario_schema()),
        SchemaDoc::Proposals => print_json(&recourse::documents::schema::proposals_schema()),
    }
}
