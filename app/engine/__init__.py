"""The SpiffWorkflow facade: parsing and lint, deployments, runtime, timers, audit.

Nothing here imports Flask; every function that touches the database takes a session.
"""
