"""Use cases and queries: every database query of the application lives in this package."""
