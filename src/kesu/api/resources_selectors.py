"""Reads behind the resources endpoints. Every object comes from a kesu.resources.permissions (or
selectors) queryset, so the API sees what the pages show and a record out of scope is a 404; lists
load what they show in a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from kesu.api.resources_schemas import api_name
from kesu.org.models import Region, User
from kesu.org.permissions import get_visible_or_404, visible_units
from kesu.planning.selectors import visible_tasks
from kesu.resources import permissions
from kesu.resources import selectors as resources
from kesu.resources.kinds import KINDS
from kesu.resources.lifecycle import panel_score, policy_for
from kesu.resources.masking import shown
from kesu.resources.models import (
    BaseApplication,
    Expert,
    OutreachBase,
    ReviewAssignment,
)

# --- records -------------------------------------------------------------------------------------


def resource_page(*, user: User, kind: str, filters: resources.Filters, offset: int, limit: int):
    """(count, [summary]) for one page of the kind's records the user may see."""
    queryset = resources.visible_records(kind, user=user, filters=filters)
    # The model's own order, made total so that pages neither repeat nor skip a record.
    queryset = queryset.order_by(*KINDS[kind].model._meta.ordering, "pk")
    count = queryset.count()
    return count, [resources.summary(kind, record) for record in queryset[offset : offset + limit]]


def _detail_queryset(kind: str, user: User) -> QuerySet:
    queryset = resources.prefetched(kind, resources.visible_records(kind, user=user))
    if kind == "base":
        return queryset.prefetch_related("applications", "annual_reports", "re_examinations")
    if kind == "activity":
        return queryset.prefetch_related("bases", "experts", "teams", "tasks")
    return queryset


def _column_value(record, column, *, personal: bool):
    if column.value == "tags":
        return [tag.name for tag in record.tags.all()]
    if column.value == "audiences":
        return record.audience_list
    if column.value in ("team", "unit"):
        return getattr(record, f"{column.attr}_id")
    value = getattr(record, column.attr)
    return shown(value, whole=personal) if column.personal else value


def _base_extra(base: OutreachBase) -> dict:
    return {
        "applicant_unit_id": base.applicant_unit_id, "valid_until": base.valid_until,
        "next_re_examination_year": base.next_re_examination_year, "rectify_by": base.rectify_by,
        "revoked_year": base.revoked_year,
        "applications": list(base.applications.all()),
        "annual_reports": sorted(base.annual_reports.all(), key=lambda report: -report.year),
        "re_examinations": sorted(base.re_examinations.all(), key=lambda done: done.decided_at, reverse=True),
    }


def _activity_extra(activity) -> dict:
    return {
        "year": activity.year,
        "organiser_name": activity.organiser.name if activity.organiser_id else activity.organiser_name,
        **{f"{link[:-1]}_ids": [linked.pk for linked in getattr(activity, link).all()]
           for link in ("bases", "experts", "teams", "tasks")},
    }


def resource_detail(*, user: User, kind: str, pk: int) -> dict:
    """One record with every column of its kind; phone and ID numbers whole for office admins only."""
    spec = KINDS[kind]
    record = get_visible_or_404(_detail_queryset(kind, user), pk=pk)
    personal = permissions.sees_personal_data(user)
    data = resources.summary(kind, record)
    for column in spec.columns:
        if column.value not in ("region", "level"):
            data[api_name(spec, column)] = _column_value(record, column, personal=personal)
    if kind == "base":
        return {**data, **_base_extra(record)}
    if kind == "activity":
        return {**data, **_activity_extra(record)}
    if kind == "volunteer":
        return {**data, "team_name": record.team.name if record.team_id else ""}
    return data


# --- what a write names --------------------------------------------------------------------------


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code.strip()).first() if code and code.strip() else None


def unknown_ids(queryset: QuerySet, ids) -> list[int]:
    """The ids in `ids` that `queryset` (a scope) does not hold."""
    wanted = set(ids)
    return sorted(wanted - set(queryset.filter(pk__in=wanted).values_list("pk", flat=True)))


def reference_scope(user: User, reference: str) -> QuerySet:
    """Where an id a record points at must be found: what the user may see of it."""
    if reference in ("unit", "applicant_unit"):
        return visible_units(user)
    if reference == "tasks":
        return visible_tasks(user)
    kind = {"team": "team", "teams": "team", "bases": "base", "experts": "expert"}[reference]
    return resources.visible_records(kind, user=user)


def panel_experts(user: User, ids) -> tuple[list[Expert], list[int]]:
    """The experts an office may put on a panel, and the ids it named that are not among them."""
    scope = resources.experts_for_panel(user.region) if user.region_id else Expert.objects.none()
    found = list(scope.filter(pk__in=set(ids)))
    return found, sorted(set(ids) - {expert.pk for expert in found})


def base_in_scope(*, user: User, base_id: int) -> OutreachBase:
    return get_visible_or_404(permissions.visible_bases(user).select_related("region"), pk=base_id)


def application_in_scope(*, user: User, application_id: int) -> BaseApplication:
    queryset = permissions.visible_applications(user).select_related("base__region")
    return get_visible_or_404(queryset, pk=application_id)


def assignment_in_scope(*, user: User, assignment_id: int) -> ReviewAssignment:
    return get_visible_or_404(permissions.visible_assignments(user), pk=assignment_id)


# --- the lifecycle's objects ---------------------------------------------------------------------


def _assignments(user: User) -> QuerySet[ReviewAssignment]:
    return permissions.visible_assignments(user).select_related("application__base", "expert").prefetch_related(
        "scores"
    )


def _assignment_data(assignment: ReviewAssignment) -> dict:
    return {
        "id": assignment.pk, "application_id": assignment.application_id,
        "base_name": assignment.application.base.name, "expert_id": assignment.expert_id,
        "expert_name": assignment.expert.name, "submitted_at": assignment.submitted_at,
        "comment": assignment.comment, "scores": list(assignment.scores.all()),
    }


def assignment_detail(*, user: User, assignment_id: int) -> dict:
    return _assignment_data(get_visible_or_404(_assignments(user), pk=assignment_id))


def assignment_page(*, user: User, offset: int, limit: int) -> tuple[int, list[dict]]:
    """An expert's own assignments (an office admin's: every one in scope), unscored first."""
    queryset = _assignments(user).order_by("submitted_at", "-application__year", "pk")
    return queryset.count(), [_assignment_data(a) for a in queryset[offset : offset + limit]]


def application_detail(*, user: User, application_id: int) -> dict:
    """An application with its criteria and the panel as far as the user may see it: an office admin
    every assignment and the panel's score, an expert their own assignment, the applicant neither."""
    application = application_in_scope(user=user, application_id=application_id)
    base = application.base
    manages = permissions.can_manage(user, base.region)
    return {
        "id": application.pk, "level": application.level, "year": application.year,
        "status": application.status, "recorded": application.recorded, "base_id": base.pk,
        "base_name": base.name, "base_status": base.status, "base_level": base.level or None,
        "screening_comment": application.screening_comment, "decision_comment": application.decision_comment,
        "plaque_number": application.plaque_number, "applied_at": application.applied_at,
        "decided_at": application.decided_at,
        "criteria": list(policy_for(base.region, application.level).criteria),
        "assignments": [_assignment_data(a) for a in _assignments(user).filter(application=application)
                        .order_by("pk")],
        "panel_score": panel_score(application) if manages else None,
    }
