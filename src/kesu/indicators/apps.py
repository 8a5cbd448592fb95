from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "kesu.indicators"
    label = "indicators"
    verbose_name = "科普统计指标"
