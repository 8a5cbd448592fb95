"""Moving models to another app keeps their history: a migration operation that re-labels the models'
content types and audit entries, so that the audit log shown on a page still finds the entries written
under the old app label."""

from __future__ import annotations

from django.db import migrations

# A migration that uses relabel_models must depend on these, so that both tables exist.
DEPENDENCIES = [("contenttypes", "0002_remove_content_type_name"), ("audit", "0002_initial")]


def relabel_models(old_app: str, new_app: str, model_names: list[str]) -> migrations.RunPython:
    def move(apps, old: str, new: str) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        entry = apps.get_model("audit", "AuditEntry")
        for name in model_names:
            content_type.objects.filter(app_label=old, model=name.lower()).update(app_label=new)
            entry.objects.filter(model=f"{old}.{name}").update(model=f"{new}.{name}")

    return migrations.RunPython(
        lambda apps, schema_editor: move(apps, old_app, new_app),
        lambda apps, schema_editor: move(apps, new_app, old_app),
    )
