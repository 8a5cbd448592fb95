"""The site's URLs plus a page that is nothing but the shell (base.html with an empty body), so that
tests can count what every page pays besides its own content."""

from django.shortcuts import render
from django.urls import path

from kesu.web.urls import urlpatterns as site_urlpatterns


def empty_page(request):
    return render(request, "base.html")


urlpatterns = [path("__empty__/", empty_page, name="empty_page"), *site_urlpatterns]
