from django.apps import AppConfig


class CascadeConfig(AppConfig):
    name = "kesu.cascade"
    label = "cascade"
    verbose_name = "上下联动"
