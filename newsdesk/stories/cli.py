"""`newsdesk renditions`: make every rendition readers are shown, for the whole archive."""

import time

import click


@click.command()
def renditions():
    """Make every picture size readers are shown that does not exist yet.

    The worker makes them as stories are published; run this after restoring
    or importing an archive, or after a change to the sizes pages show, so
    web processes never resize pictures while readers wait.
    """
    from newsdesk.cli import setup_django

    setup_django()
    from .renditions import make_all

    started = time.monotonic()
    done = make_all(echo=click.echo)
    click.echo(f"Renditions made or found for {done:,} pictures in {time.monotonic() - started:.1f} s.")
