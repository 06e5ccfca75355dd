"""The newsroom's roles, as Django groups with Wagtail page permissions.

A data migration installs them (migrations/0002_roles.py); `install_roles`
can run again at any time and only adds what is missing.

- Contributor: writes drafts and submits them for review; cannot publish.
- Reporter: publishes their own stories; cannot edit anyone else's.
- Editor: edits and publishes any story, approves submissions, works the
  wire desk, manages authors, images and redirects.
- Administrator: everything an editor does, plus users, groups, site
  settings and deleting whole sections.
"""

CONTRIBUTOR = "Contributor"
REPORTER = "Reporter"
EDITOR = "Editor"
ADMINISTRATOR = "Administrator"

# Page permission types (Wagtail's PAGE_PERMISSION_TYPES) over the whole tree.
PAGE_PERMISSIONS = {
    CONTRIBUTOR: ["add"],
    REPORTER: ["add", "publish", "lock"],
    EDITOR: ["add", "change", "publish", "lock", "unlock"],
    ADMINISTRATOR: ["add", "change", "publish", "lock", "unlock", "bulk_delete"],
}

_WRITER = [
    ("wagtailadmin", "admin", "access_admin"),
    ("wagtailimages", "image", "add_image"),
    ("wagtailimages", "image", "choose_image"),
    ("wagtaildocs", "document", "add_document"),
    ("wagtaildocs", "document", "choose_document"),
]
_EDITOR = _WRITER + [
    ("wagtailimages", "image", "change_image"),
    ("wagtailimages", "image", "delete_image"),
    ("wagtaildocs", "document", "change_document"),
    ("wagtaildocs", "document", "delete_document"),
    ("stories", "author", "add_author"),
    ("stories", "author", "change_author"),
    ("stories", "author", "delete_author"),
    ("wagtailredirects", "redirect", "add_redirect"),
    ("wagtailredirects", "redirect", "change_redirect"),
    ("wagtailredirects", "redirect", "delete_redirect"),
    ("wire", "wireitem", "view_wireitem"),
    ("wire", "wireitem", "change_wireitem"),
    ("wire", "source", "view_source"),
    ("wire", "source", "add_source"),
    ("wire", "source", "change_source"),
    ("wire", "source", "delete_source"),
    ("wire", "rule", "view_rule"),
    ("wire", "rule", "add_rule"),
    ("wire", "rule", "change_rule"),
    ("wire", "rule", "delete_rule"),
]
_ADMINISTRATOR = _EDITOR + [
    ("auth", "user", "add_user"),
    ("auth", "user", "change_user"),
    ("auth", "user", "delete_user"),
    ("auth", "group", "add_group"),
    ("auth", "group", "change_group"),
    ("auth", "group", "delete_group"),
    ("branding", "newsroomsettings", "change_newsroomsettings"),
    ("wagtailcore", "site", "change_site"),
    ("wagtailcore", "workflow", "add_workflow"),
    ("wagtailcore", "workflow", "change_workflow"),
    ("wagtailcore", "task", "add_task"),
    ("wagtailcore", "task", "change_task"),
]
# (app label, model, codename) of each role's model permissions.
MODEL_PERMISSIONS = {
    CONTRIBUTOR: _WRITER,
    REPORTER: _WRITER,
    EDITOR: _EDITOR,
    ADMINISTRATOR: _ADMINISTRATOR,
}

WORKFLOW_NAME = "Editorial review"
TASK_NAME = "Editor approval"
# The groups whose members approve or reject submitted stories.
APPROVERS = [EDITOR, ADMINISTRATOR]


def install_roles(apps):
    """Create the groups, their permissions and the review workflow (idempotent).

    `apps` is a migration's app registry or django.apps.apps.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")

    page_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    root = Page.objects.filter(depth=1).order_by("path").first()
    groups = {}
    for role, page_permissions in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        groups[role] = group
        for app_label, model, codename in MODEL_PERMISSIONS[role]:
            content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ")}
            )
            group.permissions.add(permission)
        for kind in page_permissions:
            permission, _ = Permission.objects.get_or_create(
                content_type=page_type, codename=f"{kind}_page", defaults={"name": f"{kind} page"}
            )
            GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)
    install_workflow(apps, root, [groups[name] for name in APPROVERS])


def install_workflow(apps, root, approvers):
    """Submissions anywhere in the tree go to the editors for approval."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.add(*approvers)
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})
