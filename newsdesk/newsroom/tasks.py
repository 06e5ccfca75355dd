"""Background tasks of the newsroom."""

from django.core.management import call_command
from django_tasks import task


@task()
def publish_scheduled():
    """Publish stories whose go-live time has come and unpublish expired ones."""
    call_command("publish_scheduled", verbosity=0)
