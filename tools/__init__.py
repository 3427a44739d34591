"""Developer tools (not installed with the application)."""
