from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kesu.org"
    label = "org"
    verbose_name = "区划、单位与用户"

    def ready(self):
        from kesu.caching import versions
        from kesu.org.models import Region

        versions.connect_scope(versions.REGIONS, (Region,))
