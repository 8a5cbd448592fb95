"""The site's URLs plus pages that fail on purpose, for the error-page tests: one raises an
unexpected exception (500), one refuses a malformed request (400)."""

from django.core.exceptions import BadRequest
from django.urls import path

from kesu.web.urls import handler400, handler403, handler404, handler500  # noqa: F401
from kesu.web.urls import urlpatterns as site_urlpatterns


def broken_page(request):
    raise RuntimeError("故意出错（测试）")


def malformed_request(request):
    raise BadRequest("导出参数“年份”不是数字")


urlpatterns = [
    path("__broken__/", broken_page, name="broken_page"),
    path("__malformed__/", malformed_request, name="malformed_request"),
    *site_urlpatterns,
]
