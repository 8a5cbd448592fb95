from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "kesu.indicators"
    label = "indicators"
    verbose_name = "科普统计指标"

    def ready(self):
        from django.db.models.signals import m2m_changed

        from kesu.caching import versions
        from kesu.indicators.models import (
            BlankReason,
            Category,
            CategoryOption,
            DataElement,
            DataSet,
            DataValue,
            Indicator,
            Submission,
            TargetLink,
            ValidationRule,
        )

        versions.connect_scope(versions.INDICATORS, (
            Category, CategoryOption, DataElement, Indicator, DataSet, DataValue, Submission, ValidationRule,
            TargetLink, BlankReason,
        ))

        # Adding elements to a data set writes only the through table, which sends no post_save.
        def on_data_set_elements_change(sender, action, **kwargs):
            if action.startswith("post_"):
                versions.bump(versions.INDICATORS)

        m2m_changed.connect(on_data_set_elements_change, sender=DataSet.elements.through, weak=False,
                            dispatch_uid="kesu-version-indicators-data-set-elements")
