from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "kesu.tracking"
    label = "tracking"
    verbose_name = "方案与督办"

    def ready(self):
        from kesu.tracking import board_cache

        board_cache.connect()
