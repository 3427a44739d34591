"""`zhuanjie serve`: the web application (development server)."""

from __future__ import annotations

import click

from app.cli.common import CliContext, pass_ctx


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_ctx
def serve_cmd(ctx: CliContext, host: str, port: int) -> None:
    """Serve the web application on http://HOST:PORT/."""
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
