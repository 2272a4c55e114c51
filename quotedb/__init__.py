"""quotedb: curated quote records -> one SQLite database published with Datasette."""
