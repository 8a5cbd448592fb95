"""Every URL of the project, as every role: anonymous users are sent to log in (pages) or get 401 (API);
another unit's objects are 404; office pages are 403 for unit reporters; leaders never succeed at a write.

EXPECTATIONS lists every URL name with its access class; test_every_url_has_an_expectation fails when a
URL is added without one, so no page goes unchecked. API operations are enumerated from the OpenAPI
document and checked the same way (API_EXPECTATIONS)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.factories import PASSWORD

from kesu.org.models import UnitAlias
from kesu.planning.models import Plan
from kesu.progress.models import Evidence, ProgressReport, Reminder, ReminderDelivery, ReportStatus
from kesu.progress.notices import issue_notice

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "agri", "edu", "leader", "statistician", "other_office", "office")
REPORTERS = ("agri", "edu")
SUCCESS = range(200, 400)


@dataclass(frozen=True)
class Access:
    """GET outcome per signed-in role; None = not a GET page (POST-only). POSTs are checked by rule,
    and where `post` is given, also by the status each role gets for a plausible form (WRITE_FORM)."""

    get: dict | None
    public: bool = False
    post: dict | None = None


def _get(**codes) -> dict:
    return codes


# Access classes. Objects in the world: task 3.1.2 and a submitted report of 市教育和体育局 (edu), agri's
# unit is not assigned to it; other_office is 徐州市's office.
PUBLIC = Access(get=None, public=True)
OFFICE_ONLY = Access(_get(agri=403, edu=403, leader=403, statistician=403, other_office=200, office=200))
OFFICE_ONLY_POST = Access(None)
OFFICE_PLAN_READ = Access(_get(agri=403, edu=403, leader=200, statistician=200, other_office=404, office=200))
UNIT_OBJECT_READ = Access(_get(agri=404, edu=200, leader=200, statistician=200, other_office=404, office=200))
REPORTER_ONLY = Access(_get(agri=200, edu=200, leader=403, statistician=403, other_office=403, office=403))
EVERY_ROLE = Access(_get(agri=200, edu=200, leader=200, statistician=200, other_office=200, office=200))
REDIRECTS_TO_PLAN = Access(_get(agri=403, edu=403, leader=302, statistician=302, other_office=302, office=302))
# The world's report is submitted, so its editor sends its own unit's reporter on to the read-only page.
OWN_UNIT_EDIT = Access(_get(agri=404, edu=302, leader=403, statistician=403, other_office=404, office=403))
OFFICE_UNIT_ADMIN = Access(_get(agri=403, edu=403, leader=403, statistician=403, other_office=404, office=200))
IMPORT_SESSION = Access(_get(agri=403, edu=403, leader=403, statistician=403, other_office=404, office=404))
# Scorecard writes: only the plan region's office; every other role is refused with 403 before the form is
# read (never a redirect with a message), another region's office gets 404.
OFFICE_PLAN_WRITE = Access(None, post=_get(agri=403, edu=403, leader=403, statistician=403, other_office=404,
                                           office=302))
# Read by the office, leaders and statisticians of any region (each sees its own region's data), not by
# unit reporters.
REGION_READERS = Access(_get(agri=403, edu=403, leader=200, statistician=200, other_office=200, office=200))
# Outreach statistics: the entry template is for those who enter a region's values (office, statistician);
# reporters enter their unit's values on the page, leaders only read.
INDICATOR_TEMPLATE = Access(_get(agri=403, edu=403, leader=403, statistician=200, other_office=200, office=200))
# An office's own indicator or data element: edited by that office (or one above it) only; the form posted
# by the sweep lacks required fields, so the office gets the form back. The national set is read-only.
OFFICE_DEFINITION_EDIT = Access(_get(agri=403, edu=403, leader=403, statistician=403, other_office=404, office=200),
                                post=_get(agri=403, edu=403, leader=403, statistician=403, other_office=404,
                                          office=200))
# Survey uploads: the office and statisticians of the region (or above); leaders read only.
SURVEY_UPLOAD = Access(_get(agri=403, edu=403, leader=403, statistician=200, other_office=404, office=200))
# A staged survey upload belongs to its uploader; the world's token names none, so uploaders get 404.
SURVEY_STAGED = Access(_get(agri=403, edu=403, leader=403, statistician=404, other_office=404, office=404))

EXPECTATIONS: dict[str, Access] = {
    # The home page sends each role to its own start page; it writes nothing, whatever the method.
    "home": Access(_get(agri=302, edu=302, leader=302, statistician=302, other_office=302, office=302)),
    "login": PUBLIC,
    # Old /surveys/… links redirect to /literacy/…, where the page itself checks access.
    "moved_to_literacy": PUBLIC,
    "logout": PUBLIC,
    # Django's admin guards itself (is_staff); checked once in test_admin_requires_staff.
    "admin:*": PUBLIC,
    # The API is swept operation by operation below; the schema and docs are public.
    "api:*": PUBLIC,
    "org:unit_list": OFFICE_ONLY,
    "org:unit_edit": OFFICE_UNIT_ADMIN,
    "org:unit_merge": OFFICE_ONLY_POST,
    "org:alias_delete": OFFICE_ONLY_POST,
    "org:user_list": OFFICE_ONLY,
    "org:user_reset_password": OFFICE_ONLY_POST,
    "org:user_toggle_active": OFFICE_ONLY_POST,
    "org:region_import": OFFICE_ONLY,
    "plan_import:upload": OFFICE_ONLY,
    "plan_import:done": OFFICE_UNIT_ADMIN,
    "plan_import:preview": IMPORT_SESSION,
    "plan_import:save_mapping": OFFICE_ONLY_POST,
    "plan_import:choose_previous": OFFICE_ONLY_POST,
    "plan_import:edit_task": OFFICE_ONLY_POST,
    "plan_import:edit_target": OFFICE_ONLY_POST,
    "plan_import:add_task": OFFICE_ONLY_POST,
    "plan_import:delete_task": OFFICE_ONLY_POST,
    "plan_import:add_target": OFFICE_ONLY_POST,
    "plan_import:target_kind": OFFICE_ONLY_POST,
    "plan_import:edit_metadata": OFFICE_ONLY_POST,
    "plan_import:check_item": OFFICE_ONLY_POST,
    "plan_import:remap_columns": OFFICE_ONLY_POST,
    "plan_import:save_links": OFFICE_ONLY_POST,
    "plan_import:confirm": OFFICE_ONLY_POST,
    "plan_import:discard": OFFICE_ONLY_POST,
    "progress:my_tasks": REPORTER_ONLY,
    "supervision:task_detail": UNIT_OBJECT_READ,
    # Plans in succession: the plan region's office only; with one later plan the start page goes to it.
    "supervision:succession_start": Access(_get(agri=403, edu=403, leader=403, statistician=403, other_office=404,
                                                office=302)),
    "supervision:succession": Access(OFFICE_UNIT_ADMIN.get, post=_get(agri=403, edu=403, leader=403,
                                                                      statistician=403, other_office=404, office=200)),
    # 上下联动: read like the dashboard; every write is the plan region's office's (another region's: 404).
    "cascade:plan_links": OFFICE_PLAN_READ,
    "cascade:set_parent": OFFICE_PLAN_WRITE,
    "cascade:propose": OFFICE_PLAN_WRITE,
    "cascade:confirm": OFFICE_PLAN_WRITE,
    "cascade:correct": OFFICE_PLAN_WRITE,
    "cascade:remove": OFFICE_PLAN_WRITE,
    # Coverage, target consistency and their workbook: read like the link page.
    "cascade:coverage": OFFICE_PLAN_READ,
    "cascade:consistency": OFFICE_PLAN_READ,
    "cascade:export": OFFICE_PLAN_READ,
    "progress:report_edit": OWN_UNIT_EDIT,
    "progress:report_detail": UNIT_OBJECT_READ,
    "progress:report_review": OFFICE_ONLY_POST,
    "progress:evidence_download": UNIT_OBJECT_READ,
    "progress:evidence_delete": OFFICE_ONLY_POST,
    "progress:review_queue": OFFICE_ONLY,
    "progress:reminder_new": OFFICE_ONLY,
    "progress:reminder_bulk": OFFICE_ONLY,
    # 督办通知单: issued by the office; an issued one is read like the unit's reports. Delivery resend: office.
    "progress:notice_issue": OFFICE_ONLY_POST,
    "progress:notice_batch": OFFICE_ONLY_POST,
    "progress:notice_download": UNIT_OBJECT_READ,
    "progress:delivery_resend": OFFICE_ONLY_POST,
    "progress:inbox": Access(_get(agri=200, edu=200, leader=200, statistician=200, other_office=200, office=200)),
    "progress:inbox_mark_all_read": OFFICE_ONLY_POST,
    "progress:inbox_mark_read": OFFICE_ONLY_POST,
    "supervision:dashboard_home": REDIRECTS_TO_PLAN,
    "supervision:matrix_home": REDIRECTS_TO_PLAN,
    "supervision:scorecard_home": REDIRECTS_TO_PLAN,
    "supervision:dashboard": OFFICE_PLAN_READ,
    "supervision:matrix": OFFICE_PLAN_READ,
    "supervision:scorecard": OFFICE_PLAN_READ,
    "supervision:scorecard_weights": OFFICE_PLAN_WRITE,
    "supervision:scorecard_adjustment": OFFICE_PLAN_WRITE,
    "supervision:export_tasks": OFFICE_PLAN_READ,
    "supervision:export_ledger": OFFICE_PLAN_READ,
    "supervision:export_scorecard": OFFICE_PLAN_READ,
    "supervision:unit_page": Access(_get(agri=404, edu=200, leader=200, statistician=200, other_office=404,
                                      office=200)),
    # Outreach statistics (kesu.indicators.permissions): definitions are read by everyone and defined by
    # offices; each role enters its own scope's values (the page shows the user's home region or unit);
    # the city reviews its counties, so the county office's own submission is 403 to it.
    "indicators:list": EVERY_ROLE,
    "indicators:detail": EVERY_ROLE,
    "indicators:new": OFFICE_ONLY,
    "indicators:element_new": OFFICE_ONLY,
    "indicators:edit": OFFICE_DEFINITION_EDIT,
    "indicators:element_edit": OFFICE_DEFINITION_EDIT,
    "indicators:element_active": Access(None, post=_get(agri=403, edu=403, leader=403, statistician=403,
                                                         other_office=404, office=302)),
    "indicators:entry": EVERY_ROLE,
    "indicators:entry_cell": OFFICE_ONLY_POST,
    "indicators:entry_submit": OFFICE_ONLY_POST,
    "indicators:entry_reason": OFFICE_ONLY_POST,
    "indicators:entry_blanks": OFFICE_ONLY_POST,
    "indicators:template": INDICATOR_TEMPLATE,
    "indicators:upload": OFFICE_ONLY_POST,
    "indicators:review_queue": OFFICE_ONLY,
    "indicators:accept": Access(None, post=_get(agri=403, edu=403, leader=403, statistician=403,
                                                 other_office=404, office=403)),
    "indicators:return": Access(None, post=_get(agri=403, edu=403, leader=403, statistician=403,
                                                 other_office=404, office=403)),
    # The paths from before the review acts were named accept / return: the same views.
    "indicators:review_queue_old_path": OFFICE_ONLY,
    "indicators:accept_old_path": Access(None, post=_get(agri=403, edu=403, leader=403, statistician=403,
                                                          other_office=404, office=403)),
    "indicators:return_old_path": Access(None, post=_get(agri=403, edu=403, leader=403, statistician=403,
                                                          other_office=404, office=403)),
    "indicators:targets": REGION_READERS,
    # agri has a task in the plan, so the plan is visible to it; only the office may suggest links.
    "indicators:target_suggest": Access(None, post=_get(agri=403, edu=403, leader=403, statistician=403,
                                                         other_office=404, office=302)),
    # The target belongs to edu's task: agri does not see it.
    "indicators:target_decide": Access(None, post=_get(agri=404, edu=403, leader=403, statistician=403,
                                                        other_office=404, office=302)),
    # Region dashboards and annual reports: office, leaders and statisticians of the region or above.
    "evaluation:region_dashboard": OFFICE_PLAN_READ,
    "evaluation:chart_xlsx": OFFICE_PLAN_READ,
    "evaluation:annual_report": OFFICE_PLAN_READ,
    "evaluation:plan_annual_report": OFFICE_PLAN_READ,
    # 总结评估 of a plan: the same readers as the annual report (the world's plan has begun its last year).
    "evaluation:final_report": OFFICE_PLAN_READ,
    "evaluation:final_report_file": OFFICE_PLAN_READ,
    # Survey results (kesu.literacy.permissions): read like dashboards; uploaded and changed by the office
    # and statisticians of the region or above.
    "literacy:home": REDIRECTS_TO_PLAN,
    "literacy:region": OFFICE_PLAN_READ,
    "literacy:export": OFFICE_PLAN_READ,
    "literacy:upload": SURVEY_UPLOAD,
    "literacy:mapping": SURVEY_STAGED,
    "literacy:discard": OFFICE_ONLY_POST,
    "literacy:recompute": Access(None, post=_get(agri=403, edu=403, leader=403, statistician=302, other_office=404,
                                                 office=302)),
    "literacy:delete": Access(None, post=_get(agri=403, edu=403, leader=403, statistician=302, other_office=404,
                                              office=302)),
    # 科普资源 pages (kesu.resources.permissions): offices, leaders and statisticians read their region's
    # registries, a unit its own bases and activities; offices manage, units apply for their bases and record
    # their activities. The world's bases and activity are edu's in 乳山市; the application is under review.
    "resources:index": EVERY_ROLE,
    "resources:list": EVERY_ROLE,
    "resources:template": EVERY_ROLE,
    "resources:export": EVERY_ROLE,
    "resources:create": Access(_get(agri=200, edu=200, leader=403, statistician=403, other_office=200, office=200)),
    "resources:import": OFFICE_ONLY,
    "resources:detail": UNIT_OBJECT_READ,
    "resources:edit": Access(_get(agri=404, edu=200, leader=403, statistician=403, other_office=404, office=200)),
    "resources:photo": UNIT_OBJECT_READ,
    # Review assignments: experts' own, and the office's in its region.
    "resources:my_reviews": OFFICE_ONLY,
    "resources:review": Access(_get(agri=404, edu=404, leader=404, statistician=404, other_office=404, office=200)),
    # Lifecycle acts: a refused act of a role that may make it comes back to the base's page (302).
    "resources:screen": Access(None, post=_get(agri=404, edu=403, leader=403, statistician=403, other_office=404,
                                               office=302)),
    "resources:assign_panel": Access(None, post=_get(agri=404, edu=403, leader=403, statistician=403,
                                                     other_office=404, office=302)),
    "resources:recognise": Access(None, post=_get(agri=404, edu=403, leader=403, statistician=403, other_office=404,
                                                  office=302)),
    "resources:decline": Access(None, post=_get(agri=404, edu=403, leader=403, statistician=403, other_office=404,
                                                office=302)),
    "resources:re_examine": Access(None, post=_get(agri=404, edu=403, leader=403, statistician=403,
                                                   other_office=404, office=302)),
    "resources:resubmit": Access(None, post=_get(agri=404, edu=302, leader=403, statistician=403, other_office=404,
                                                 office=302)),
    "resources:apply": Access(None, post=_get(agri=404, edu=302, leader=403, statistician=403, other_office=404,
                                              office=302)),
    "resources:annual_report": Access(None, post=_get(agri=404, edu=302, leader=403, statistician=403,
                                                      other_office=404, office=302)),
    "resources:set_active": Access(None, post=_get(agri=404, edu=404, leader=403, statistician=403,
                                                   other_office=404, office=302)),
    "resources:service_record_add": Access(None, post=_get(agri=404, edu=404, leader=403, statistician=403,
                                                           other_office=404, office=302)),
    "resources:photo_upload": Access(None, post=_get(agri=404, edu=302, leader=403, statistician=403,
                                                     other_office=404, office=302)),
    # Only the organiser's own reporter offers its activity as evidence in its own progress reports.
    "resources:evidence_attach": Access(None, post=_get(agri=404, edu=302, leader=403, statistician=403,
                                                        other_office=404, office=403)),
    "resources:evidence_detach": Access(None, post=_get(agri=404, edu=302, leader=403, statistician=403,
                                                        other_office=404, office=403)),
    "resources:activity_delete": Access(None, post=_get(agri=404, edu=302, leader=403, statistician=403,
                                                        other_office=404, office=302)),
    # The public directory of recognised bases: no login.
    "resources:directory": PUBLIC,
}

# Writes a unit reporter makes on their own unit's objects (edu owns the report, evidence, reminder);
# every other POST is one that reporters may not make.
NOT_WRITES = {"home"}
REPORTER_WRITES = {"progress:report_edit", "progress:evidence_delete", "progress:inbox_mark_read",
                   "progress:inbox_mark_all_read", "indicators:entry_cell", "indicators:entry_submit",
                   "indicators:entry_reason", "indicators:entry_blanks", "resources:create", "resources:edit", "resources:apply", "resources:resubmit",
                   "resources:annual_report", "resources:photo_upload", "resources:evidence_attach",
                   "resources:evidence_detach", "resources:activity_delete"}
# Reporter writes on the reporter's own scope with no object in the URL: any reporter may make them.
REPORTER_OWN_SCOPE_WRITES = {"progress:inbox_mark_all_read", "indicators:entry_cell", "indicators:entry_submit",
                             "indicators:entry_reason", "indicators:entry_blanks", "resources:create"}


def all_url_names() -> list[tuple[str, URLPattern]]:
    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(n for n in (namespace, pattern.namespace) if n) if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            else:
                yield namespace, pattern

    names = []
    for namespace, pattern in walk(get_resolver().url_patterns):
        if namespace in ("admin", "api"):
            names.append((f"{namespace}:*", pattern))
        else:
            names.append((f"{namespace}:{pattern.name}" if namespace else pattern.name, pattern))
    return names


def test_every_url_has_an_expectation():
    missing = sorted({str(name) for name, _ in all_url_names() if name not in EXPECTATIONS})
    assert not missing, f"URLs without an entry in EXPECTATIONS (tests/security): {missing}"


@pytest.fixture
def objects(world, settings, tmp_path):
    from kesu.indicators.models import DataElement, DataSet, Indicator, Submission, ValueStatus
    from kesu.literacy.models import CiMethod, LiteracyEstimate, SourceKind, SurveyWave

    settings.MEDIA_ROOT = tmp_path / "media"
    edu_unit = world.units["市教育和体育局"]
    report = ProgressReport.objects.create(
        task=world.tasks[1], unit=edu_unit, period=world.periods[0], status=ReportStatus.SUBMITTED,
        narrative="已培训", revision=2,
    )
    evidence = Evidence(report=report, original_name="名单.pdf", content_type="application/pdf", size=8, sha256="0" * 64)
    evidence.file.save("sweep.pdf", ContentFile(b"%PDF-1.4"), save=True)
    reminder = Reminder.objects.create(region=world.county, unit=edu_unit, message="请按时报送")
    notice = issue_notice(actor=world.users["office"], unit=edu_unit, periods=[world.periods[0]],
                          today=datetime.date(2026, 12, 5))
    failed = ReminderDelivery.objects.create(reminder=reminder, channel="webhook", status="failed", error="sweep")
    alias = UnitAlias.objects.create(unit=edu_unit, alias="市教体局")
    # Outreach statistics: a data set, an indicator and the county's submitted values for 2024.
    data_set = DataSet.objects.create(code="sweep", name="科普统计年报")
    indicator = Indicator.objects.create(code="sweep_staff", name="科普人员", numerator="0", unit="人")
    local_indicator = Indicator.objects.create(code="sweep_local", name="本地指标", numerator="0", unit="人",
                                               owner=world.county)
    local_element = DataElement.objects.create(code="sweep_element", name="本地数据项", unit="人", owner=world.county)
    submission = Submission.objects.create(data_set=data_set, region=world.county, year=2024,
                                           status=ValueStatus.SUBMITTED)
    # A confirmed survey wave of the county with its overall estimate.
    wave = SurveyWave(region=world.county, year=2024, name="2024年乳山市抽样调查", source_kind=SourceKind.SCORED,
                      original_filename="wave.csv", row_count=0, weight_column="weight", data_sha256="0" * 64)
    wave.data_file.save("sweep.csv.gz", ContentFile(b""), save=True)
    LiteracyEstimate.objects.create(wave=wave, ci_method=CiMethod.LOGIT, estimate=0.15, se=0.01, ci_low=0.13,
                                    ci_high=0.17, deff=1.2, n=600)
    return {
        "task_id": world.tasks[1].pk, "period_id": world.periods[0].pk, "report_id": report.pk,
        "evidence_id": evidence.pk, "reminder_id": reminder.pk, "plan_id": world.plan.pk,
        "notice_id": notice.pk, "notice_fmt": "docx", "delivery_id": failed.pk,
        # A later plan of the county to declare the successor; not in force today, so that the pages
        # that open on the plan in force still show the world's plan.
        "successor_id": Plan.objects.create(region=world.county, title="乳山市实施方案（2031—2035年）",
                                            period_start=2031, period_end=2035).pk,
        "unit_id": edu_unit.pk, "alias_id": alias.pk, "user_id": world.users["agri"].pk,
        "token": "no-such-import", "index": 0,
        "code": world.county.code, "year": 2024, "fmt": "xlsx", "chart_id": "group_status",
        "submission_id": submission.pk, "target_id": world.tasks[1].targets.get().pk, "wave_id": wave.pk,
        "link_id": _cascade_link(world),
        "indicator_code": indicator.code, "local_indicator_code": local_indicator.code,
        "local_element_code": local_element.code,
        **resource_api_objects(world),
        **resource_page_objects(world),
        **content_api_objects(world),
    }


def _cascade_link(world) -> int:
    """A confirmed link of edu's task to a national heading, the plan's parent being the national 纲要
    (confirmed, so that the sweep's own POST to 生成对应建议 leaves it in place for the later URLs)."""
    from kesu.cascade.models import PlanParent, TaskLink

    PlanParent.objects.create(plan=world.plan, national_version="1")
    return TaskLink.objects.create(task=world.tasks[1], national_code="A1", score=0.5,
                                   state="confirmed").pk


def resource_page_objects(world) -> dict:
    """For the 科普资源 pages, besides the API's records (resource_api_objects): a base of edu's unit
    recognised at 县级 (re-examined, reported on), and a photo of the API's activity."""
    from kesu.resources import lifecycle, services
    from kesu.resources.models import Activity, ActivityPhoto

    base = services.save_record(actor=None, kind="base", values={
        "name": "乳山市青少年科技馆", "region": world.county, "host_organisation": "市教育和体育局",
        "exhibition_area": 500.0, "annual_visitors": 1000, "open_days": 200,
        "applicant_unit_id": world.units["市教育和体育局"].pk})
    lifecycle.record_recognition(actor=None, base=base, level="county", year=2022, plaque_number="RS-1")
    photo = ActivityPhoto(activity=Activity.objects.get(name="巡检activity"), original_name="现场.png",
                          content_type="image/png", size=8)
    photo.file.save("sweep.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    return {"kind": "base", "pk": base.pk, "photo_id": photo.pk, "volunteer_kind": "volunteer"}


# URL kwargs whose name means something else in one URL: (URL name, kwarg) → key of `objects`.
KWARG_OBJECTS = {("progress:notice_download", "fmt"): "notice_fmt",
                 ("indicators:detail", "code"): "indicator_code", ("indicators:edit", "code"): "local_indicator_code",
                 ("indicators:element_edit", "code"): "local_element_code",
                 ("indicators:element_active", "code"): "local_element_code",
                 ("resources:set_active", "kind"): "volunteer_kind", ("resources:set_active", "pk"): "volunteer_id",
                 ("resources:service_record_add", "pk"): "volunteer_id",
                 **{(f"resources:{name}", "pk"): "activity_id"
                    for name in ("photo_upload", "evidence_attach", "evidence_detach", "activity_delete")}}


def url_for(name: str, pattern: URLPattern, objects: dict) -> str:
    kwargs = {}
    for key in pattern.pattern.converters:
        kwargs[key] = objects[KWARG_OBJECTS.get((name, key), key)] if key != "task_id" or "import" not in name else "1"
    return reverse(name, kwargs=kwargs)


def client_for(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        assert client.login(username=world.users[role].username, password=PASSWORD)
    return client


def page_urls(objects):
    for name, pattern in all_url_names():
        if name.endswith(":*") or EXPECTATIONS.get(name, PUBLIC).public:
            continue
        yield name, url_for(name, pattern, objects)


def test_anonymous_users_are_sent_to_log_in(world, objects):
    client = client_for(world, "anonymous")
    login = reverse("login")
    for name, url in page_urls(objects):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 405), f"{name} {url}: {response.status_code}"
            if response.status_code == 302:
                assert response["Location"].startswith(login), f"{name} {url} → {response['Location']}"


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_get_outcomes_per_role(world, objects, role):
    client = client_for(world, role)
    wrong = []
    for name, url in page_urls(objects):
        access = EXPECTATIONS[name]
        if access.get is None:
            continue
        status = client.get(url).status_code
        if status != access.get[role]:
            wrong.append(f"{name} {url}: expected {access.get[role]}, got {status}")
    assert not wrong, "\n".join(wrong)


def database_state() -> dict:
    """Every row of kesu's own tables: compared before and after a request to prove it wrote nothing."""
    from django.apps import apps

    return {
        model._meta.label: sorted(map(repr, model.objects.values()))
        for model in apps.get_models()
        if model.__module__.startswith("kesu.")
    }


def write_form(objects) -> dict:
    """A plausible form for every write of the project: a role allowed to make the write succeeds with it."""
    return {"unit": objects["unit_id"], "year": "2024", "points": "1", "reason": "sweep", "comment": "sweep",
            "message": "sweep", "on_time_reporting": "40", "target_completion": "30", "review_outcome": "30",
            "decision": "accept", "action": "accept", "name": "sweep", "narrative": "sweep",
            "expected_revision": "2", "unit_ids": [objects["unit_id"]], "period": objects["period_id"]}


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_post_outcomes_per_role(world, objects, role):
    """Writes with a `post` expectation: a refused write is 403 (404 out of scope) whatever the form, never
    a redirect with a message."""
    client = client_for(world, role)
    wrong = []
    for name, url in page_urls(objects):
        expected = EXPECTATIONS[name].post
        if expected is None:
            continue
        forms = (write_form(objects), {}) if expected[role] >= 400 else (write_form(objects),)
        for form in forms:
            status = client.post(url, form).status_code
            if status != expected[role]:
                wrong.append(f"POST {name} {url} {'(empty form) ' * (not form)}: expected {expected[role]}, got {status}")
    assert not wrong, "\n".join(wrong)


def test_leaders_never_succeed_at_a_write(world, objects):
    """Some views answer a refused form with a redirect and a message (302) rather than 403, so the
    test is what matters: a leader's write changes nothing, even with a plausible form."""
    client = client_for(world, "leader")
    form = write_form(objects)
    succeeded = []
    for name, url in page_urls(objects):
        if name in NOT_WRITES:
            continue
        for method in ("post", "put", "delete"):
            before = database_state()
            response = getattr(client, method)(url, form) if method == "post" else getattr(client, method)(url)
            if response.status_code in SUCCESS and database_state() != before:
                succeeded.append(f"{method.upper()} {name} {url}: {response.status_code} and the database changed")
    assert not succeeded, "\n".join(succeeded)


@pytest.mark.parametrize("role", REPORTERS)
def test_reporters_cannot_post_to_office_pages_or_other_units_objects(world, objects, role):
    client = client_for(world, role)
    wrong = []
    for name, url in page_urls(objects):
        if name in NOT_WRITES:
            continue
        status = client.post(url).status_code
        if name in REPORTER_WRITES:
            # Only edu owns the objects; agri must not even learn that they exist.
            if role == "agri" and name not in REPORTER_OWN_SCOPE_WRITES and status != 404:
                wrong.append(f"{name} {url}: another unit's object answered {status}, expected 404")
        elif status not in (403, 404, 405):
            wrong.append(f"{name} {url}: {status}, expected 403 (or 404 out of scope)")
    assert not wrong, "\n".join(wrong)
    assert ProgressReport.objects.get(pk=objects["report_id"]).status == ReportStatus.SUBMITTED


def test_admin_requires_staff(world):
    for role in ROLES:
        response = client_for(world, role).get(reverse("admin:index"))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], role


# --- API ------------------------------------------------------------------------------------------

API_OBJECT_READ = {"agri": 404, "edu": 200, "leader": 200, "statistician": 200, "other_office": 404, "office": 200}
API_EVERY_ROLE = {r: 200 for r in ROLES if r != "anonymous"}
API_EXPECTATIONS: dict[tuple[str, str], dict | None] = {
    ("get", "/api/plans"): API_EVERY_ROLE,
    ("get", "/api/plans/{plan_id}"): {**API_OBJECT_READ, "agri": 200},  # agri has a task in the plan
    ("get", "/api/plans/{plan_id}/tasks"): {**API_OBJECT_READ, "agri": 200},
    ("get", "/api/plans/{plan_id}/statuses"): {**API_OBJECT_READ, "agri": 200},
    ("get", "/api/tasks/{task_id}"): API_OBJECT_READ,
    ("get", "/api/tasks/{task_id}/status"): API_OBJECT_READ,
    ("get", "/api/units"): API_EVERY_ROLE,
    ("get", "/api/units/{unit_id}"): API_OBJECT_READ,
    ("get", "/api/reports"): API_EVERY_ROLE,
    ("get", "/api/reports/{report_id}"): API_OBJECT_READ,
    # Writes: checked by rule (anonymous 401, leader never succeeds, other unit 404).
    ("post", "/api/reports"): None,
    ("post", "/api/reports/{report_id}/submit"): None,
    ("post", "/api/reports/{report_id}/return"): None,
    ("post", "/api/reports/{report_id}/accept"): None,
    # 科普资源: registries are read by the region's office, leaders and statisticians; a unit reporter
    # reads only its own unit's bases and activities (and their applications).
    **{("get", f"/api/resources/{kind}"): API_EVERY_ROLE
       for kind in ("base", "expert", "team", "volunteer", "messenger", "organisation", "activity")},
    ("get", "/api/resources/base/{base_id}"): API_OBJECT_READ,
    ("get", "/api/resources/activity/{activity_id}"): API_OBJECT_READ,
    **{("get", f"/api/resources/{kind}/{{{kind}_id}}"): {**API_OBJECT_READ, "edu": 404}
       for kind in ("expert", "team", "volunteer", "messenger", "organisation")},
    ("get", "/api/resources/applications/{application_id}"): API_OBJECT_READ,
    ("get", "/api/resources/assignments"): API_EVERY_ROLE,
    **{("post", path): None for path in (
        "/api/resources/base", "/api/resources/expert", "/api/resources/team", "/api/resources/volunteer",
        "/api/resources/messenger", "/api/resources/organisation", "/api/resources/activity",
        "/api/resources/base/{base_id}/applications", "/api/resources/applications/{application_id}/screen",
        "/api/resources/applications/{application_id}/resubmit", "/api/resources/applications/{application_id}/panel",
        "/api/resources/applications/{application_id}/recognise",
        "/api/resources/applications/{application_id}/decline", "/api/resources/assignments/{assignment_id}/scores",
        "/api/resources/base/{base_id}/annual-reports", "/api/resources/base/{base_id}/re-examinations",
    )},
}


def resource_api_objects(world) -> dict:
    """One record of each registry in 乳山 (the base and the activity edu's unit's) and the base's
    application under review by a panel of one, for the /api/resources/ operations."""
    from kesu.resources import lifecycle
    from kesu.resources.services import save_record

    county, office, edu_unit = world.county, world.users["office"], world.units["市教育和体育局"]
    records = {
        kind: save_record(actor=None, kind=kind, values={"name": f"巡检{kind}", "region": county, **values})
        for kind, values in (
            ("base", {"host_organisation": "市教育和体育局", "exhibition_area": 100, "annual_visitors": 1000,
                      "open_days": 200, "applicant_unit_id": edu_unit.pk}),
            ("expert", {}), ("team", {}), ("volunteer", {}), ("messenger", {"community": "城区社区"}),
            ("organisation", {}),
            ("activity", {"kind": "lecture", "start_date": datetime.date(2024, 5, 1),
                          "end_date": datetime.date(2024, 5, 1), "organiser_id": edu_unit.pk}),
        )
    }
    application = lifecycle.apply(actor=office, base=records["base"], level="county", year=2024)
    lifecycle.screen(actor=office, application=application, passed=True)
    [assignment] = lifecycle.assign_panel(actor=office, application=application, experts=[records["expert"]])
    return {**{f"{kind}_id": record.pk for kind, record in records.items()},
            "application_id": application.pk, "assignment_id": assignment.pk}


# Objects of these path parameters are out of agri's and other_office's scope: their writes are 404.
OUT_OF_SCOPE_KEYS = ("{report_id}", "{content_id}", "{recipient_id}", "{rumour_id}", "{emergency_id}")


def api_operations():
    from kesu.api.endpoints import api

    schema = api.get_openapi_schema(path_prefix="/api")
    for path, operations in schema["paths"].items():
        for method in operations:
            yield method, path


def test_every_api_operation_has_an_expectation():
    missing = sorted(set(api_operations()) - set(API_EXPECTATIONS))
    assert not missing, f"API operations without an entry in API_EXPECTATIONS: {missing}"


def api_client_for(world, role: str):
    from kesu.api.tokens import create_token

    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {create_token(user=world.users[role], name='sweep')[1]}"
    return Client(headers=headers)


@pytest.mark.parametrize("role", ROLES)
def test_api_operations_per_role(world, objects, role):
    client = api_client_for(world, role)
    wrong = []
    for method, path in api_operations():
        url = path.format(**objects)
        if method == "get":
            status = client.get(url).status_code
            expected = 401 if role == "anonymous" else API_EXPECTATIONS[(method, path)][role]
            if status != expected:
                wrong.append(f"GET {url}: expected {expected}, got {status}")
            continue
        body = {"expected_revision": 2, "comment": "sweep", "task_id": objects["task_id"],
                "period_id": objects["period_id"], "narrative": "sweep"}
        # PATCH operations too: a POST to them would be refused as a method before the token is read.
        status = getattr(client, method)(url, body, content_type="application/json").status_code
        if role == "anonymous" and status != 401:
            wrong.append(f"POST {url}: anonymous got {status}")
        if role == "leader" and status in SUCCESS:
            wrong.append(f"POST {url}: a leader succeeded ({status})")
        if role in ("agri", "other_office") and any(key in path for key in OUT_OF_SCOPE_KEYS) and status != 404:
            wrong.append(f"POST {url}: out-of-scope object answered {status}, expected 404")
    assert not wrong, "\n".join(wrong)


# Roll-up and county 考核 of a city plan (kesu.cascade.views_overview): read like the link page; the 考核
# weights are the plan region's office's.
EXPECTATIONS.update({
    "cascade:rollup": OFFICE_PLAN_READ,
    "cascade:assessment": OFFICE_PLAN_READ,
    "cascade:assessment_export": OFFICE_PLAN_READ,
    "cascade:assessment_weights": OFFICE_PLAN_WRITE,
})


# 上下联动 through the API (kesu.api.cascade_endpoints, cascade_reports): read by the cascade page's
# readers (a unit reporter's role is refused before the scope is looked at), written by the office.
API_CASCADE_READ = {"agri": 403, "edu": 403, "leader": 200, "statistician": 200, "other_office": 404, "office": 200}
API_EXPECTATIONS.update({
    **{("get", f"/api/plans/{{plan_id}}/{tail}"): API_CASCADE_READ
       for tail in ("parent", "links", "coverage", "coverage/national", "consistency")},
    **{("post", path): None for path in (
        "/api/plans/{plan_id}/parent", "/api/plans/{plan_id}/links/propose", "/api/links/{link_id}/confirm",
        "/api/tasks/{task_id}/links", "/api/links/{link_id}/remove")},
})


# 科普内容 through the API (kesu.api.content_endpoints): an item of 乳山 reviewed and pushed to edu's unit
# (so edu reads it and its push; agri does not), a rumour and an emergency event of 乳山 (offices,
# leaders and statisticians only: no push of the event reached a unit).
API_CONTENT_OFFICE_READ = {**API_OBJECT_READ, "edu": 404}
API_EXPECTATIONS.update({
    ("get", "/api/content"): API_EVERY_ROLE,
    **{("get", f"/api/content/{{content_id}}{tail}"): API_OBJECT_READ
       for tail in ("", "/versions", "/reviews", "/publications")},
    ("get", "/api/content/pushes/{push_id}"): API_OBJECT_READ,
    ("get", "/api/rumours"): API_EVERY_ROLE,
    ("get", "/api/rumours/{rumour_id}"): API_CONTENT_OFFICE_READ,
    ("get", "/api/emergencies"): API_EVERY_ROLE,
    ("get", "/api/emergencies/{emergency_id}"): API_CONTENT_OFFICE_READ,
    ("get", "/api/emergencies/{emergency_id}/after-action.docx"): API_CONTENT_OFFICE_READ,
    ("patch", "/api/content/{content_id}"): None,
    **{("post", path): None for path in (
        "/api/content", "/api/content/{content_id}/submit", "/api/content/{content_id}/withdraw",
        "/api/content/{content_id}/reviews/{review_id}/verdict", "/api/content/{content_id}/publications",
        "/api/content/{content_id}/pushes", "/api/content/pushes/recipients/{recipient_id}/acknowledge",
        "/api/content/pushes/recipients/{recipient_id}/reach", "/api/rumours", "/api/rumours/{rumour_id}/rebuttal",
        "/api/rumours/{rumour_id}/close", "/api/emergencies", "/api/emergencies/{emergency_id}/notes",
        "/api/emergencies/{emergency_id}/close")},
})


def content_api_objects(world) -> dict:
    from django.utils import timezone

    from kesu.content import debunking, distributing, emergency
    from kesu.content.models import (
        ContentItem,
        ContentReview,
        ContentStatus,
        ContentVersion,
        ReviewRound,
        RoundStatus,
        Topic,
        Verdict,
    )
    from kesu.resources.models import Expert

    county, office, edu_unit = world.county, world.users["office"], world.units["市教育和体育局"]
    now = timezone.now()
    item = ContentItem.objects.create(region=county, title="巡检科普内容", status=ContentStatus.APPROVED, author=office)
    item.topics.set(Topic.objects.filter(code="emergency"))
    version = ContentVersion.objects.create(item=item, number=1, title=item.title, body_html="<p>巡检</p>",
                                            created_by=office)
    item.current_version = item.approved_version = version
    item.save(update_fields=["current_version", "approved_version"])
    round_ = ReviewRound.objects.create(item=item, version=version, required=1, status=RoundStatus.APPROVED,
                                        opened_at=now, due_at=now, closed_at=now)
    expert = Expert.objects.create(name="巡检审查专家", region=county, field="emergency")
    review = ContentReview.objects.create(round=round_, expert=expert, verdict=Verdict.APPROVE, assigned_at=now,
                                          decided_at=now)
    push = distributing.push_item(actor=office, item=item, regions=[county], units=[edu_unit])
    rumour = debunking.record_rumour(actor=office, region=county, claim="巡检谣言", topic=Topic.objects.get(code="health"),
                                     first_seen=datetime.date(2026, 11, 1))
    event = emergency.start_emergency(actor=office, region=county, event_type="flood", title="巡检应急事件",
                                      level="4", affected_regions=[county])
    package = emergency.create_package(actor=office, region=county, event_type="flood", name="巡检资源包")
    return {"content_id": item.pk, "review_id": review.pk, "push_id": push.pk,
            "recipient_id": push.recipients.get().pk, "rumour_id": rumour.pk, "emergency_id": event.pk,
            "package_id": package.pk,
            "version_number": version.number, "download_what": "wechat"}


# The content library and scientific review pages (kesu.content.views_library, views_review): the sweep's
# item of 乳山 was pushed to edu's unit, so edu reads it but may not change it; agri and 徐州 do not see it.
# Reviews are for the assigned expert only (no role of the sweep is one): everyone else finds none.
CONTENT_ITEM_PAGES = ("content:item", "content:item_edit", "content:version", "content:item_submit",
                      "content:item_withdraw", "content:item_assign")
KWARG_OBJECTS.update({**{(name, "pk"): "content_id" for name in CONTENT_ITEM_PAGES},
                      ("content:version", "number"): "version_number"})
REPORTER_WRITES.add("content:item_new")
REPORTER_OWN_SCOPE_WRITES.add("content:item_new")
EXPECTATIONS.update({
    "content:library": EVERY_ROLE,
    "content:item_new": Access(_get(agri=200, edu=200, leader=403, statistician=403, other_office=200, office=200)),
    "content:item": UNIT_OBJECT_READ,
    "content:version": UNIT_OBJECT_READ,
    "content:item_edit": Access(_get(agri=404, edu=403, leader=403, statistician=403, other_office=404, office=200)),
    "content:item_submit": OFFICE_ONLY_POST,
    "content:item_withdraw": OFFICE_ONLY_POST,
    "content:item_assign": OFFICE_ONLY_POST,
    "content:review_queue": Access(_get(agri=403, edu=403, leader=403, statistician=403, other_office=403,
                                        office=403)),
    "content:review": Access(_get(agri=404, edu=404, leader=404, statistician=404, other_office=404, office=404)),
    "content:review_policy": OFFICE_ONLY,
})


# Rumours and emergencies (kesu.content.views_rumours, views_emergency): the sweep's rumour, event and
# package are 乳山's; the event pushed nothing to a unit, so the units do not see it; 徐州 finds none.
OFFICE_READ = Access(_get(agri=404, edu=404, leader=200, statistician=200, other_office=404, office=200))
OFFICE_WRITE_PAGE = Access(_get(agri=404, edu=404, leader=403, statistician=403, other_office=404, office=200))
KWARG_OBJECTS.update({
    **{(name, "pk"): "rumour_id" for name in ("content:rumour_detail", "content:rumour_edit",
                                                "content:rumour_rebuttal", "content:rumour_close",
                                                "content:public_rumour")},
    **{(name, "pk"): "emergency_id" for name in ("content:emergency_detail", "content:emergency_note",
                                                   "content:emergency_close", "content:emergency_report")},
    ("content:package_detail", "pk"): "package_id",
})
EXPECTATIONS.update({
    "content:rumour_list": Access(_get(agri=403, edu=403, leader=200, statistician=200, other_office=200, office=200)),
    "content:rumour_new": OFFICE_ONLY,
    "content:rumour_detail": OFFICE_READ,
    "content:rumour_edit": OFFICE_WRITE_PAGE,
    "content:rumour_rebuttal": OFFICE_WRITE_PAGE,
    "content:rumour_close": OFFICE_ONLY_POST,
    "content:public_rumours": PUBLIC,
    "content:public_rumour": PUBLIC,
    "content:emergency_list": EVERY_ROLE,
    "content:emergency_new": OFFICE_ONLY,
    "content:emergency_detail": OFFICE_READ,
    "content:emergency_report": OFFICE_READ,
    "content:emergency_note": OFFICE_ONLY_POST,
    "content:emergency_close": OFFICE_ONLY_POST,
    "content:package_list": Access(_get(agri=403, edu=403, leader=200, statistician=200, other_office=200, office=200)),
    "content:package_detail": OFFICE_READ,
})


# Distribution, targeted push, the unit inbox and subscriptions (kesu.content.views_distribution): the sweep's
# item was pushed to edu's unit, so edu reads its distribution page but may not publish or push; the push's
# page is the office's and its readers' (a unit answers in its inbox). Public pages need no login.
KWARG_OBJECTS.update({
    **{(name, "pk"): "content_id" for name in ("content:distribution", "content:distribution_download",
                                                 "content:push_form", "content:push_preview",
                                                 "content:public_detail", "content:public_file")},
    ("content:distribution_download", "what"): "download_what",
    ("content:push_detail", "pk"): "push_id",
})
EXPECTATIONS.update({
    "content:distribution": UNIT_OBJECT_READ,
    "content:distribution_download": UNIT_OBJECT_READ,
    "content:push_form": Access(_get(agri=404, edu=403, leader=403, statistician=403, other_office=404, office=200)),
    "content:push_preview": OFFICE_ONLY_POST,
    "content:push_detail": OFFICE_READ,
    "content:inbox": REPORTER_ONLY,
    "content:subscriptions": Access(_get(agri=200, edu=200, leader=403, statistician=403, other_office=200,
                                         office=200)),
    "content:messenger_page": PUBLIC,
    "content:public_list": PUBLIC,
    "content:public_detail": PUBLIC,
    "content:public_file": PUBLIC,
})
