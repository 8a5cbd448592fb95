"""Authentication backend: Django's model backend, loading the user's region in the same query."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from kesu.org.models import User


class UserWithRegionBackend(ModelBackend):
    """The pages of office admins, leaders and statisticians all read the user's region (permission
    scopes, the nav's link to the region dashboard): joining it into the user's own query is cheaper
    than a second query. A reporter's unit is not joined as well: two more joins cost every office
    request more than they save reporters (PostgreSQL plans each join afresh)."""

    def get_user(self, user_id):
        try:
            user = User.objects.select_related("region").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
