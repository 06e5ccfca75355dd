"""The `newsdesk backup` and `newsdesk restore` commands."""

import click


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
def backup(path):
    """Write the whole site (database, media, trained models) to the archive PATH.

    PATH ending in .tar.gz is compressed; .tar is not (faster, for media that
    are compressed already). The site keeps running while it is written.
    """
    from newsdesk.cli import setup_django

    setup_django()
    from .archive import create_backup
    from .databases import BackupError

    try:
        manifest = create_backup(path, echo=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    counted = ", ".join(f"{number} {name.replace('_', ' ')}" for name, number in manifest["counts"].items())
    click.echo(f"Backed up to {path}: {manifest['database']['engine']} database ({counted}), "
               f"{manifest['media_files']} media files, {manifest['model_files']} model files.")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a site that already has stories or sources.")
def restore(path, force):
    """Replace this site with the backup at PATH (made by `newsdesk backup`).

    Stop the web and worker processes first: they would keep serving and
    writing the old site while it is replaced.
    """
    from newsdesk.cli import setup_django

    setup_django()
    from .archive import restore_backup
    from .databases import BackupError

    try:
        manifest = restore_backup(path, force=force, echo=click.echo)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored the backup of {manifest['created_at']}: {manifest['counts']['stories']} stories, "
               f"{manifest['media_files']} media files.")
