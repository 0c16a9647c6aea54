"""Item pipelines (validate, dedupe, parse, store) and the data layer (db)."""
