from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "kesu.surveys"
    label = "surveys"
    verbose_name = "公民科学素质监测"
