"""Progress's part in merging two units (kesu.org.merging, registered in ProgressConfig.ready()).
Its rows (reports, reminders) are re-pointed by org's generic pass; only the refusal is progress's."""

from __future__ import annotations

from kesu.org.models import Unit
from kesu.progress.models import ProgressReport


def report_clash(source: Unit, target: Unit) -> str | None:
    """Two reports of the same task and period cannot both survive the merge: refuse it, naming them."""
    source_keys = set(ProgressReport.objects.filter(unit=source).values_list("task_id", "period_id"))
    target_keys = set(ProgressReport.objects.filter(unit=target).values_list("task_id", "period_id"))
    clash_keys = source_keys & target_keys
    if not clash_keys:
        return None
    clashes = [
        r for r in ProgressReport.objects.filter(unit=source).select_related("task", "period")
        if (r.task_id, r.period_id) in clash_keys
    ]
    shown = "、".join(sorted({f"{r.task.code}（{r.period.label}）" for r in clashes}))
    return f"“{source.name}”和“{target.name}”对同一任务同一周期都有进度报告：{shown}，请先处理后再合并"
