from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "kesu.planning"
    label = "planning"
    verbose_name = "实施方案"

    def ready(self):
        from kesu.caching import versions
        from kesu.org import merging
        from kesu.planning.merging import move_assignments
        from kesu.planning.models import Plan, TaskUnit

        versions.register_plan_token(Plan, "data_version")
        merging.register("planning.assignments", move=move_assignments, models=(TaskUnit,))
