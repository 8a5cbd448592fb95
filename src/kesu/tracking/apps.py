from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "kesu.tracking"
    label = "tracking"
    verbose_name = "方案与督办"
