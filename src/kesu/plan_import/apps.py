from django.apps import AppConfig


class PlanImportConfig(AppConfig):
    name = "kesu.plan_import"
    label = "plan_import"
    verbose_name = "方案导入"
