# The review acts are accept / return everywhere (docs/glossary.md): the stored status "approved"
# becomes "accepted", as ProgressReport's already is. The audit log keeps showing the same history:
# its snapshots of data values and submissions are relabelled too, as kesu.audit.relabel does for
# moved models, so that the history still names the status by its label.

from django.db import migrations, models

STATUS_CHOICES = [('draft', '草稿'), ('submitted', '已报送'), ('accepted', '已通过'), ('returned', '已退回')]
MODELS = ('DataValue', 'Submission')
AUDITED = tuple(f'indicators.{name}' for name in MODELS)
BATCH = 1000


def _relabel(apps, old: str, new: str) -> None:
    for name in MODELS:
        apps.get_model('indicators', name).objects.filter(status=old).update(status=new)
    entry = apps.get_model('audit', 'AuditEntry')
    changed = []
    rows = entry.objects.filter(model__in=AUDITED).filter(
        models.Q(before__status=old) | models.Q(after__status=old)
    )
    for row in rows.iterator(chunk_size=BATCH):
        for snapshot in (row.before, row.after):
            if isinstance(snapshot, dict) and snapshot.get('status') == old:
                snapshot['status'] = new
        if row.object_repr.endswith(f':{old}'):  # Submission.__str__ ends with its status
            row.object_repr = row.object_repr[: -len(old)] + new
        changed.append(row)
        if len(changed) >= BATCH:
            entry.objects.bulk_update(changed, ['before', 'after', 'object_repr'])
            changed = []
    if changed:
        entry.objects.bulk_update(changed, ['before', 'after', 'object_repr'])


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_data_element_active'),
        ('audit', '0002_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='datavalue',
            name='status',
            field=models.CharField(choices=STATUS_CHOICES, default='draft', max_length=10, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='submission',
            name='status',
            field=models.CharField(choices=STATUS_CHOICES, default='draft', max_length=10, verbose_name='状态'),
        ),
        migrations.RunPython(
            lambda apps, schema_editor: _relabel(apps, 'approved', 'accepted'),
            lambda apps, schema_editor: _relabel(apps, 'accepted', 'approved'),
        ),
    ]
