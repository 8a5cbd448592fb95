from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "kesu.content"
    label = "content"
    verbose_name = "科普内容"

    def ready(self):
        from kesu.content import feeds

        feeds.register_all()
