"""The `newsdesk` command: its own subcommands, then Django's management commands."""

import os
import signal
import subprocess
import sys
import time

import click


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    import django

    django.setup()


# Subcommands defined by the apps, imported only when used: `newsdesk
# extract` loads trafilatura, which every other command can do without.
LAZY_COMMANDS = {
    "backup": "newsdesk.backups.cli.backup",
    "demo": "newsdesk.demo.cli.demo",
    "extract": "newsdesk.wire.commands.extract_command",
    "ingest": "newsdesk.wire.cli.ingest",
    "nginx-config": "newsdesk.pagecache.nginx.nginx_config",
    "renditions": "newsdesk.stories.cli.renditions",
    "restore": "newsdesk.backups.cli.restore",
    "sections": "newsdesk.sections.cli.sections",
    "serve": "newsdesk.serving.serve",
    "sources": "newsdesk.wire.cli.sources",
    "stories": "newsdesk.copies.cli.stories",
}


class NewsdeskGroup(click.Group):
    """A click group with lazily imported app commands; unknown names go to Django."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        if name in LAZY_COMMANDS:
            from django.utils.module_loading import import_string

            return import_string(LAZY_COMMANDS[name])
        return django_command(name)

    def invoke(self, ctx):
        # A setting the environment gets wrong (a relative NEWSDESK_DATA_DIR,
        # a malformed URL) is the operator's to fix: say so in one line.
        from django.core.exceptions import ImproperlyConfigured

        try:
            return super().invoke(ctx)
        except ImproperlyConfigured as error:
            raise click.ClickException(str(error)) from None

    def format_epilog(self, ctx, formatter):
        formatter.write_paragraph()
        formatter.write_text(
            "Any Django management command also works: `newsdesk migrate`, "
            "`newsdesk createsuperuser`, `newsdesk help` lists them."
        )


def django_command(name):
    @click.command(
        name,
        context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
        add_help_option=False,
    )
    @click.pass_context
    def run_django_command(ctx):
        from django.core.management import execute_from_command_line

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018  (a settings error surfaces here, not as "Unknown command")
        execute_from_command_line(["newsdesk", name, *ctx.args])

    return run_django_command


@click.group(cls=NewsdeskGroup)
@click.version_option(package_name="newsdesk")
def main():
    """newsdesk: a news site with a wire desk."""


@main.command()
@click.option("--demo/--no-demo", default=True, help="Load the demo newsroom into an empty site.")
def setup(demo):
    """Migrate the database, collect static files, create the site and an admin account."""
    setup_django()
    from newsdesk.bootstrap import prepare_site

    prepare_site(load_demo=demo, echo=click.echo)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--web-workers", default=2, show_default=True, type=int, help="Web server processes.")
@click.option("--demo/--no-demo", default=True, help="Load the demo newsroom into an empty site.")
def run(host, port, web_workers, demo):
    """Set up, then serve the site and run the background worker until Ctrl-C."""
    # Plain HTTP on a laptop cannot carry secure-only cookies; a deployment
    # behind HTTPS runs `newsdesk serve` itself and keeps them on.
    os.environ.setdefault("NEWSDESK_SECURE_COOKIES", "0")
    os.environ.setdefault("NEWSDESK_BASE_URL", f"http://{host}:{port}")
    # The demo's wire outlets are served by this same site: its wire desk may
    # read this one host and port, not every service on loopback.
    from newsdesk.outbound.guard import allowance

    os.environ.setdefault("NEWSDESK_FETCH_ALLOWED_ADDRESSES", allowance(host, port))
    os.environ.setdefault("NEWSDESK_DEMO_OUTLETS", "1" if demo else "0")
    setup_django()
    from newsdesk.bootstrap import prepare_site

    prepare_site(load_demo=demo, echo=click.echo)
    web = [sys.executable, "-m", "newsdesk", "serve", "--host", host, "--port", str(port),
           "--workers", str(web_workers)]
    worker = [sys.executable, "-m", "newsdesk", "worker"]
    processes = [subprocess.Popen(web), subprocess.Popen(worker)]
    click.echo(f"\nnewsdesk is running: site http://{host}:{port}/  admin http://{host}:{port}/admin/")
    click.echo("Press Ctrl-C to stop.\n")
    stop_all(processes)


def raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def stop_all(processes):
    """Wait until one process ends or Ctrl-C arrives, then stop them all."""
    signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
    codes = [process.returncode for process in processes]
    sys.exit(0 if all(code in (0, -signal.SIGTERM, -signal.SIGINT) for code in codes) else 1)


# The worker command that serves each task backend, by its dotted path.
WORKER_COMMANDS = {
    "django_tasks_db.DatabaseBackend": ["db_worker", "--no-startup-delay"],
    "django_tasks_rq.RQBackend": ["rqworker", "--job-class", "django_tasks_rq.Job", "--with-scheduler", "default"],
}


@main.command()
@click.option("--no-scheduler", is_flag=True, help="Run tasks only; leave periodic jobs to other workers.")
def worker(no_scheduler):
    """Run the background worker: queued tasks, plus periodic jobs (scheduled publishing…)."""
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from newsdesk.newsroom.periodic import Scheduler

    backend = settings.TASKS["default"]["BACKEND"]
    if backend not in WORKER_COMMANDS:
        raise click.ClickException(f"No worker is known for the task backend {backend!r}.")
    name, *args = WORKER_COMMANDS[backend]
    if name == "rqworker":
        from newsdesk.warmup import warm_up_worker

        warm_up_worker()  # before RQ forks a work horse for each job
    scheduler = None if no_scheduler else Scheduler()
    if scheduler:
        scheduler.start()
    try:
        call_command(name, *args)
    finally:
        if scheduler:
            scheduler.stop()
