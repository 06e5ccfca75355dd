"""`newsdesk sources …` and `newsdesk ingest`: the wire desk from the command line."""

import sys

import click


def _django():
    from newsdesk.cli import setup_django

    setup_django()


@click.group()
def sources():
    """Sources the wire desk polls: add, list, import and export them."""


@sources.command("add")
@click.argument("url")
@click.option("--section", "section_slug", help="Slug of the section its stories go to (e.g. world).")
@click.option("--name", help="Display name; default: the feed's title.")
@click.option("--interval", default=15, show_default=True, help="Minutes between polls.")
@click.option("--page", "as_page", is_flag=True, help="Treat URL as a page of article links, not a feed.")
def add_source(url, section_slug, name, interval, as_page):
    """Add the source at URL. Given a web page, finds its feed through <link rel="alternate">."""
    _django()
    from .sourcing import SourceError, add_source as add

    try:
        source = add(url, section_slug=section_slug, name=name, interval_minutes=interval, as_page=as_page)
    except SourceError as error:
        raise click.ClickException(str(error))
    click.echo(f"Added {source.name!r}: {source.url} ({source.get_kind_display()}, section: {source.section or 'none'})")


@sources.command("list")
def list_sources():
    """List the sources with their status."""
    _django()
    from .models import Source

    rows = [["name", "kind", "section", "status", "last success", "next poll", "24 h"]]
    for source in Source.objects.select_related("section"):
        status = "disabled" if not source.enabled else (
            f"failing x{source.consecutive_failures}: {source.last_error[:60]}" if source.consecutive_failures else "ok"
        )
        rows.append([
            source.name, source.kind, source.section.title if source.section else "-", status,
            f"{source.last_success_at:%Y-%m-%d %H:%M}" if source.last_success_at else "never",
            f"{source.next_poll_at:%Y-%m-%d %H:%M}", str(source.items_last_24_hours()),
        ])
    echo_table(rows)


@sources.command("import")
@click.argument("opml_file", type=click.File("rb"))
@click.option("--section", "section_slug", help="Section for sources whose OPML category names none.")
def import_sources(opml_file, section_slug):
    """Import sources from an OPML file (categories matching a section name file them there)."""
    _django()
    from .sourcing import import_opml

    added, skipped = import_opml(opml_file.read(), default_section_slug=section_slug)
    click.echo(f"Imported {added} source{'s' if added != 1 else ''}; {skipped} already present or unusable.")


@sources.command("export")
def export_sources():
    """Print every source as OPML 2.0."""
    _django()
    from .sourcing import export_opml

    sys.stdout.write(export_opml())


@click.command()
@click.option("--once", is_flag=True, required=True, help="Poll every due source once, then exit.")
@click.option("--all", "every", is_flag=True, help="Poll every enabled source, due or not.")
def ingest(once, every):
    """Poll the wire desk's sources, NEWSDESK_POLL_CONCURRENCY at once, and print a summary table."""
    _django()
    from django.utils import timezone

    from newsdesk.outbound.configured import shared_fetcher

    from .models import Source
    from .polling import poll_concurrently

    sources_to_poll = Source.objects.filter(enabled=True)
    if not every:
        sources_to_poll = sources_to_poll.filter(next_poll_at__lte=timezone.now())
    sources_to_poll = list(sources_to_poll.order_by("next_poll_at"))
    rows = [["source", "result", "new", "updated", "unchanged", "skipped", "failed", "seconds"]]
    fetcher = shared_fetcher()
    polls = poll_concurrently(sources_to_poll, fetcher, holder="newsdesk ingest", due_only=not every)
    finished = {}  # polls end in any order; the table lists them in the order they were due
    with click.progressbar(length=len(sources_to_poll), label="Polling", file=sys.stderr, show_pos=True) as bar:
        for source, outcome in polls:
            bar.update(1)
            finished[source.pk] = outcome_row(source, outcome)
    rows += [finished[source.pk] for source in sources_to_poll]
    echo_table(rows)
    if len(rows) == 1:
        click.echo("No source is due." if not every else "No enabled source.")


def outcome_row(source, outcome):
    if outcome is None:
        return [source.name, "busy (another poll holds it)", "", "", "", "", "", ""]
    result = "not modified" if outcome.not_modified else ("ok" if outcome.ok else f"failed: {outcome.error[:70]}")
    return [source.name, result, str(outcome.new), str(outcome.updated), str(outcome.unchanged),
            str(outcome.skipped), str(outcome.failed), f"{outcome.seconds:.1f}"]


def echo_table(rows):
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for number, row in enumerate(rows):
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        if number == 0:
            click.echo("  ".join("-" * width for width in widths))
