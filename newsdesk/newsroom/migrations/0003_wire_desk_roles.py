from django.db import migrations

from newsdesk.newsroom.roles import install_roles


def forwards(apps, schema_editor):
    # The wire desk's permissions exist from its first migration on; give
    # them to the roles that work the desk. install_roles only adds.
    from django.contrib.auth.management import create_permissions

    wire = apps.get_app_config("wire")
    wire.models_module = True
    create_permissions(wire, apps=apps, verbosity=0)
    wire.models_module = None
    install_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_roles"),
        ("wire", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
