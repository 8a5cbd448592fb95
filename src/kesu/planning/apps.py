from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "kesu.planning"
    label = "planning"
    verbose_name = "实施方案"
