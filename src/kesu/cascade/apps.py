from django.apps import AppConfig


class CascadeConfig(AppConfig):
    name = "kesu.cascade"
    label = "cascade"
    verbose_name = "上下联动"

    def ready(self) -> None:
        from kesu.cascade.receivers import link_imported_plan
        from kesu.plan_import.signals import plan_imported

        plan_imported.connect(link_imported_plan, dispatch_uid="cascade.link_imported_plan")
        # The roll-up panel and the 县级汇总 tab on supervision's dashboard (kesu.supervision.panels).
        from kesu.caching import versions
        from kesu.cascade.models import PlanParent
        from kesu.cascade.panels import PARENTS, has_children, rollup_panel
        from kesu.supervision.panels import register_panel, register_tab

        versions.connect_scope(PARENTS, (PlanParent,))
        register_tab("rollup", has_children, scope=PARENTS)
        register_panel("cascade.rollup", rollup_panel, when="rollup")
