"""`zhuanjie serve`: the web application.

Without ``--workers`` it is Flask's threaded server (``make run``: one process, the timer
sweep inside it when ``scheduler_in_web``). With ``--workers N`` it is gunicorn with N
worker processes (production); the timer sweep then belongs to ``zhuanjie scheduler``.
"""

from __future__ import annotations

import click

from app.cli.common import CliContext, pass_ctx


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Serve with gunicorn and this many worker processes (production).")
@click.option("--timeout", type=click.IntRange(5, 3600), default=60, show_default=True,
              help="With --workers: seconds before a silent worker is killed and replaced.")
@pass_ctx
def serve_cmd(ctx: CliContext, host: str, port: int, workers: int | None,
              timeout: int) -> None:
    """Serve the web application on http://HOST:PORT/."""
    if workers is not None:
        from app.wsgi import serve_gunicorn

        if ctx.settings.scheduler_in_web:
            click.echo("zhuanjie: with --workers the timer sweep is not run in the web "
                       "workers; run `zhuanjie scheduler` beside them", err=True)
        click.echo(f"zhuanjie: serving on http://{host}:{port}/ with {workers} workers")
        serve_gunicorn(ctx.settings, host=host, port=port, workers=workers, timeout=timeout)
        return
    from app import create_app

    app = create_app()
    if ctx.settings.scheduler_in_web:
        from app.scheduler import start_background

        start_background(ctx.settings)
        click.echo(f"zhuanjie: timer sweep every {ctx.settings.scheduler_interval_seconds}s")
    click.echo(f"zhuanjie: serving on http://{host}:{port}/")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)


def register(cli: click.Group) -> None:
    """Add the serve command to the command group."""
    cli.add_command(serve_cmd)
