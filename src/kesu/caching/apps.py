from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "kesu.caching"
    label = "caching"
    verbose_name = "缓存版本"
