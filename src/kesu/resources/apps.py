from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "kesu.resources"
    label = "resources"
    verbose_name = "科普资源"

    def ready(self):
        from kesu.progress import evidence_sources
        from kesu.resources import feeds
        from kesu.resources.views_records import activities_for_report

        feeds.register_all()
        evidence_sources.register("resources.activities", activities_for_report)
