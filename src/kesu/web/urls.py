from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kesu.api.endpoints import api as kesu_api
from kesu.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", kesu_api.urls),
    # Plan import and the office's unit/user/region administration.
    path("plans/import/", include("kesu.tracking.urls_import")),
    path("org/", include("kesu.org.urls")),
    path("indicators/", include("kesu.indicators.urls")),
    path("surveys/", include("kesu.surveys.urls")),
    path("", include("kesu.tracking.urls")),
    path("", include("kesu.reports.urls")),
]
