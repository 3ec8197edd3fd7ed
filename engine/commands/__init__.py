"""Commands over the pipeline: batch (and its roll-up), budget, diff, validate, init, explain
(catalog and rule views), schema and verify (the rules' own examples)."""
