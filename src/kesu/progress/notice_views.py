"""Pages of the 督办通知单 and of reminder deliveries: the office issues a unit's notice (or a batch) from
its reminder page, anyone in the notice's scope downloads an issued one again, and the office sends a
failed delivery again. Scope first (404), role second (403), as in kesu.progress.views."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from kesu.org.models import Role
from kesu.org.permissions import (
    get_visible_or_404,
    home_region,
    require_office_admin,
    require_role,
    visible_units,
)
from kesu.planning.selectors import visible_plans
from kesu.progress import delivery, notice_docx, notice_pdf, services
from kesu.progress.models import DeliveryStatus, ReminderDelivery, ReportingPeriod
from kesu.progress.notices import issue_notice, notice_content, visible_notices

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}
READ_ROLES = (Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN, Role.UNIT_REPORTER)


def _attachment(content: bytes, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(io.BytesIO(content), content_type=content_type)
    ascii_name = "notice." + filename.rsplit(".", 1)[-1]
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["Content-Length"] = str(len(content))
    response["Cache-Control"] = "private, no-store"
    return response


def _render(contents, fmt: str) -> bytes:
    return notice_pdf.render_pdf(contents) if fmt == "pdf" else notice_docx.render_docx(contents)


def _format(request) -> str:
    fmt = request.GET.get("format", "pdf")
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    return fmt


def _periods(request) -> list[ReportingPeriod]:
    wanted = {int(v) for v in request.POST.getlist("period") if v.isdigit()}
    if not wanted:
        raise Http404("未选择填报周期")
    periods = list(
        ReportingPeriod.objects.filter(pk__in=wanted, plan__in=visible_plans(request.user)).select_related("plan")
    )
    if len(periods) != len(wanted):
        raise Http404("填报周期不存在或无权查看")
    return periods


def _back(periods) -> str:
    return f"{reverse('progress:reminder_bulk')}?period={periods[0].pk}"


@login_required
@require_POST
def notice_issue(request):
    """One unit's notice for the posted period(s), issued (or the same one again) and downloaded."""
    fmt = _format(request)
    unit_id = request.POST.get("unit", "")
    unit = get_visible_or_404(
        visible_units(request.user).select_related("region"), pk=int(unit_id) if unit_id.isdigit() else 0
    )
    periods = _periods(request)
    require_office_admin(request.user, unit.region)
    try:
        notice = issue_notice(actor=request.user, unit=unit, periods=periods, today=timezone.localdate())
    except services.ReportError as error:
        messages.error(request, str(error))
        return redirect(_back(periods))
    content = notice_content(notice)
    return _attachment(_render([content], fmt), f"{content.filename}.{fmt}", FORMATS[fmt][0])


@login_required
@require_POST
def notice_batch(request):
    """批量生成: the notices of the checked units, as one multi-page PDF or a ZIP of Word files."""
    fmt = _format(request)
    periods = _periods(request)
    require_role(request.user, Role.OFFICE_ADMIN)
    wanted = {int(v) for v in request.POST.getlist("unit_ids") if v.isdigit()}
    units = list(visible_units(request.user).filter(pk__in=wanted).select_related("region").order_by("name"))
    if not units or len(units) != len(wanted):
        messages.error(request, "请先勾选要生成通知单的单位")
        return redirect(_back(periods))
    today, notices, nothing_owed = timezone.localdate(), [], []
    try:
        with transaction.atomic():
            for unit in units:
                try:
                    notices.append(issue_notice(actor=request.user, unit=unit, periods=periods, today=today))
                except services.ReportPermissionError:
                    raise
                except services.ReportError:
                    nothing_owed.append(unit.name)
    except services.ReportError as error:
        messages.error(request, str(error))
        return redirect(_back(periods))
    if not notices:
        messages.error(request, f"所选单位在该周期都没有未报送或被退回的报告：{'、'.join(nothing_owed)}")
        return redirect(_back(periods))
    contents = [notice_content(n) for n in notices]
    stamp = f"{today:%Y%m%d}"
    if fmt == "pdf":
        return _attachment(notice_pdf.render_pdf(contents), f"督办通知单-{stamp}-{len(contents)}个单位.pdf",
                           FORMATS["pdf"][0])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for content in contents:
            archive.writestr(f"{content.filename}.docx", notice_docx.render_docx([content]))
    return _attachment(buffer.getvalue(), f"督办通知单-{stamp}-{len(contents)}个单位.zip", "application/zip")


@login_required
@require_GET
def notice_download(request, notice_id: int, fmt: str):
    """An issued notice again, exactly as issued (links in e-mails, webhooks and the inbox)."""
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    notice = get_visible_or_404(
        visible_notices(request.user).select_related("unit", "region", "issued_by"), pk=notice_id
    )
    require_role(request.user, *READ_ROLES)
    content = notice_content(notice)
    return _attachment(_render([content], fmt), f"{content.filename}.{fmt}", FORMATS[fmt][0])


@login_required
@require_POST
def delivery_resend(request, delivery_id: int):
    region = home_region(request.user)
    scope = ReminderDelivery.objects.filter(reminder__region__path__startswith=region.path) if region else (
        ReminderDelivery.objects.none()
    )
    row = get_visible_or_404(scope.select_related("reminder__unit__region"), pk=delivery_id)
    require_office_admin(request.user, row.reminder.unit.region)
    try:
        delivery.resend_delivery(actor=request.user, delivery=row)
    except services.ReportError as error:
        messages.error(request, str(error))
    else:
        row.refresh_from_db()
        if row.status == DeliveryStatus.SENT:
            messages.success(request, f"已重新发送：{row.get_channel_display()} {row.recipient}")
        else:
            messages.error(request, f"重新发送失败：{row.error}")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("progress:inbox")
    return redirect(target)
