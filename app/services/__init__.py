"""Use cases: one function per action, each taking an explicit session. Queries live here."""
