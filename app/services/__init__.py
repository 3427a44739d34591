"""Use cases, one function each, with an explicit session; every query lives here."""
