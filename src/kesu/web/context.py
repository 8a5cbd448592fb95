from django.conf import settings


def kesu_context(request):
    return {"KESU_DEMO": settings.KESU_DEMO}
