from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "kesu.supervision"
    label = "supervision"
    verbose_name = "督办与考核"

    def ready(self):
        from kesu.supervision import board_cache

        board_cache.connect()
