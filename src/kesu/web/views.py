from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from kesu.org.models import Role

# Where each role starts: the office, leaders and statisticians look at the whole region first;
# a unit reporter starts from the unit's own tasks.
LANDING_PAGES = {
    Role.OFFICE_ADMIN: "supervision:dashboard_home",
    Role.LEADER: "supervision:dashboard_home",
    Role.STATISTICIAN: "supervision:dashboard_home",
    Role.UNIT_REPORTER: "progress:my_tasks",
    # Experts use kesu for one thing: scoring the base applications assigned to them.
    Role.EXPERT: "resources:my_reviews",
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


def moved_to_literacy(request, rest: str):
    """Old /surveys/… links (bookmarks, exported documents) keep working: the same page under /literacy/."""
    target = f"/literacy/{rest}"
    if request.META.get("QUERY_STRING"):
        target += "?" + request.META["QUERY_STRING"]
    # 308 keeps the method and body, so an old form posting to /surveys/… still lands.
    return redirect(target, permanent=True, preserve_request=True)
