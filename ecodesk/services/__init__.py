"""Use cases that combine the store, the forms, workbooks and reports (no Qt)."""
