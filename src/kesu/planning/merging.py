"""Planning's part in merging two units (kesu.org.merging, registered in PlanningConfig.ready())."""

from __future__ import annotations

from kesu.org.models import Unit
from kesu.planning.models import TaskUnit, UnitRole


def move_assignments(source: Unit, target: Unit) -> dict[str, int]:
    """Hand `source`'s task assignments to `target`. A task both hold keeps one assignment, with the
    stronger role (lead): the merged unit's lead duty must not vanish with its row."""
    moved = 0
    target_roles = dict(TaskUnit.objects.filter(unit=target).values_list("task_id", "role"))
    for assignment in TaskUnit.objects.filter(unit=source).select_related("task"):
        if assignment.task_id in target_roles:
            if assignment.role == UnitRole.LEAD and target_roles[assignment.task_id] != UnitRole.LEAD:
                kept = TaskUnit.objects.get(task_id=assignment.task_id, unit=target)
                kept.role = UnitRole.LEAD
                kept.save()  # audited by signal
            assignment.delete()  # audited by signal
        else:
            assignment.unit = target
            assignment.save()
        moved += 1
    return {"任务分工": moved} if moved else {}
