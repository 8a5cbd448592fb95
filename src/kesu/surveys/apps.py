from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "kesu.surveys"
    label = "surveys"
    verbose_name = "公民科学素质监测"

    def ready(self):
        from kesu.caching import versions
        from kesu.surveys.models import LiteracyEstimate, SurveyWave

        versions.connect_scope(versions.SURVEYS, (SurveyWave, LiteracyEstimate))
