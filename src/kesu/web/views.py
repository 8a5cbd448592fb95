from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from kesu.org.models import Role

# Where each role starts: the office, leaders and statisticians look at the whole region first;
# a unit reporter starts from the unit's own tasks.
LANDING_PAGES = {
    Role.OFFICE_ADMIN: "tracking:dashboard_home",
    Role.LEADER: "tracking:dashboard_home",
    Role.STATISTICIAN: "tracking:dashboard_home",
    Role.UNIT_REPORTER: "tracking:my_tasks",
}


@login_required
def home(request):
    name = LANDING_PAGES.get(request.user.role)
    if name:
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            # The page's app is not installed in this build: stay on the plain welcome page.
            pass
    return render(request, "home.html")
