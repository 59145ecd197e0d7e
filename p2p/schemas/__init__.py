"""marshmallow schemas, one per payload: shared by the API (validation and OpenAPI),
the CLI and the pages."""
