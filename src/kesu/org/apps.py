from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kesu.org"
    label = "org"
    verbose_name = "区划、单位与用户"
