"""The groups whose members must sign in with a second factor.

Other apps add their permissions to these groups in their own data migrations, looked up by
name (probity.apps.accounts.two_factor.APPROVERS and REGISTER_KEEPERS).
"""

from django.db import migrations

GROUPS = ("Approvers", "Register keepers")
PERMISSION = ("require_two_factor", "Must sign in with a code from an authenticator app")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Permissions are otherwise made after every migration has run; make this one now.
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="account")
    codename, name = PERMISSION
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    for group_name in GROUPS:
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(permission)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
