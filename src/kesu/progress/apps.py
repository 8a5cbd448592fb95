from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "kesu.progress"
    label = "progress"
    verbose_name = "进度填报"
