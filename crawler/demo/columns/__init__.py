"""Demo columns, one module per CMS family, each built on that family's real markup."""
