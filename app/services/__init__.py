"""Use cases over the database, one function per use case with an explicit session."""
