from django.apps import AppConfig


class CascadeConfig(AppConfig):
    name = "kesu.cascade"
    label = "cascade"
    verbose_name = "上下联动"

    def ready(self) -> None:
        from kesu.cascade.receivers import link_imported_plan
        from kesu.plan_import.signals import plan_imported

        plan_imported.connect(link_imported_plan, dispatch_uid="cascade.link_imported_plan")
