from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from kesu.api.endpoints import api as kesu_api
from kesu.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", kesu_api.urls),
    # Plan import and the office's unit/user/region administration.
    path("plans/import/", include("kesu.plan_import.urls")),
    path("org/", include("kesu.org.urls")),
    path("indicators/", include("kesu.indicators.urls")),
    path("literacy/", include("kesu.literacy.urls")),
    # 科普资源: the registries at /resources/ and the public directory of recognised bases at /directory/.
    path("", include("kesu.resources.urls")),
    # The survey pages lived under /surveys/ before the app was named for what it does.
    re_path(r"^surveys/(?P<rest>.*)$", views.moved_to_literacy, name="moved_to_literacy"),
    path("", include("kesu.progress.urls")),
    path("", include("kesu.supervision.urls")),
    path("", include("kesu.evaluation.urls")),
    path("", include("kesu.cascade.urls")),
    # 科普内容: the library, review, distribution, rumours and emergencies; public pages under /public/.
    path("", include("kesu.content.urls")),
]

# Error pages in Chinese with a way back (kesu.web.errors); used when DEBUG is off.
handler400 = "kesu.web.errors.bad_request"
handler403 = "kesu.web.errors.permission_denied"
handler404 = "kesu.web.errors.page_not_found"
handler500 = "kesu.web.errors.server_error"
