"""`python -m app.cli` is the `zhuanjie` command."""

from app.cli import main

main()
