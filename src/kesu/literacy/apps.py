from django.apps import AppConfig


class LiteracyConfig(AppConfig):
    name = "kesu.literacy"
    label = "literacy"
    verbose_name = "公民科学素质监测"

    def ready(self):
        from kesu.caching import versions
        from kesu.literacy.models import LiteracyEstimate, SurveyWave

        versions.connect_scope(versions.SURVEYS, (SurveyWave, LiteracyEstimate))
