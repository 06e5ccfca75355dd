"""The `newsdesk demo` commands: load the demo newsroom, or bulk-write an archive of synthetic stories."""

import time

import click

from newsdesk.cli import setup_django


@click.group(invoke_without_command=True)
@click.option("--stories", type=click.IntRange(min=1), help="Add this many synthetic stories to the archive.")
@click.option("--seed", type=int, help="Make the same stories every time (headlines, sections, dates).")
@click.option("--batch-size", default=2000, show_default=True, type=click.IntRange(min=1),
              help="Stories written per transaction.")
@click.pass_context
def demo(ctx, stories, seed, batch_size):
    """The demo newsroom.

    With --stories N, add N synthetic stories spread over the past ten
    years across the site's sections, authors and tags: a large archive for
    benchmarks (`newsdesk demo --stories 1000000`). The stories are live
    pages, listed, readable and searchable like any other.
    """
    if stories is None:
        if ctx.invoked_subcommand is None:
            click.echo(ctx.get_help())
        return
    if ctx.invoked_subcommand is not None:
        raise click.UsageError("Give --stories or a subcommand, not both.")
    setup_django()
    from newsdesk.demo.bulk import ArchiveError, generate_archive

    started = time.monotonic()
    with click.progressbar(length=stories, label="Writing stories", show_pos=True, show_eta=True) as bar:
        try:
            added = generate_archive(stories, seed=seed, batch_size=batch_size, on_batch=bar.update)
        except ArchiveError as error:
            raise click.ClickException(str(error)) from error
    elapsed = time.monotonic() - started
    click.echo(f"Added {added:,} stories in {elapsed:.1f} s ({added / max(elapsed, 1e-9):,.0f} stories/s).")


@demo.command("load")
@click.option("--force", is_flag=True, help="Load even when the site already has stories.")
def demo_load(force):
    """Load the demo newsroom: sections, authors and stories."""
    setup_django()
    from newsdesk.demo.loader import load_demo

    count = load_demo(force=force, echo=click.echo)
    click.echo(f"Loaded {count} demo stories." if count else "The site has stories: nothing loaded.")
