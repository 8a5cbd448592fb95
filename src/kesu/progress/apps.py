from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "kesu.progress"
    label = "progress"
    verbose_name = "进度填报"

    def ready(self):
        from kesu.org import merging
        from kesu.progress.merging import report_clash

        merging.register("progress.reports", check=report_clash)
