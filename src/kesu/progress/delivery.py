"""Reminders out of the app: each reminder is recorded as delivered in the app (站内), and — when
configured in settings — e-mailed to the unit's users who have an address and posted to a webhook
for a government messenger gateway. Both outside channels are optional and off by default.

The delivery rows are written in the reminder's own transaction (status 待发送) and sent after it
commits, so that a slow or broken mail server or gateway can neither roll the reminder back nor hold
its row locks. Whatever happens is written to the row (已发送 / 发送失败 and the reason); nothing is
retried on its own: the office sees the failure on its reminder page and sends again by hand
(`resend_delivery`). Within one batch, once a server cannot be reached the rest of the batch is marked
failed without trying, rather than waiting out one timeout per unit.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import smtplib
import socket
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from kesu.org.models import Unit, User
from kesu.org.permissions import can_administer
from kesu.progress.models import (
    DeliveryChannel,
    DeliveryStatus,
    Reminder,
    ReminderDelivery,
    ReminderNotice,
    ReportingPeriod,
)
from kesu.progress.notices import issue_notice, notice_content
from kesu.progress.services import ReportError, ReportPermissionError, service

logger = logging.getLogger(__name__)
NO_ADDRESS = "该单位没有填写电子邮箱的用户，未发送邮件"


def email_enabled() -> bool:
    return bool(getattr(settings, "KESU_REMINDER_EMAIL", False))


def webhook_url() -> str:
    return getattr(settings, "KESU_REMINDER_WEBHOOK_URL", "") or ""


def unit_addresses(unit: Unit) -> list[str]:
    """The e-mail addresses of the unit's active users (its contacts), one each, in a stable order."""
    rows = User.objects.filter(unit=unit, is_active=True).exclude(email="").order_by("id").values_list("email", flat=True)
    return list(dict.fromkeys(address.strip() for address in rows if address.strip()))


def _notice_periods(reminder: Reminder, today: datetime.date) -> list[ReportingPeriod]:
    if reminder.period_id:
        return [reminder.period]
    # A reminder about no particular period: the periods of the unit's current plans already past due.
    return list(
        ReportingPeriod.objects.filter(plan__region_id=reminder.unit.region_id, plan__is_current=True, due__lt=today)
        .select_related("plan")
    )


def _attach_notice(reminder: Reminder, actor: User, today: datetime.date) -> None:
    """Issue (or reuse) the 督办通知单 that goes out with the reminder; none when the unit owes nothing."""
    try:
        notice = issue_notice(actor=actor, unit=reminder.unit, periods=_notice_periods(reminder, today), today=today)
    except ReportError:
        return
    reminder.notice = notice
    reminder.save(update_fields=["notice"])


def plan_deliveries(reminders: Iterable[Reminder], *, actor: User) -> list[ReminderDelivery]:
    """Inside the reminder's transaction: record how each reminder goes out, and send after the commit."""
    today = timezone.localdate()
    outside = email_enabled() or bool(webhook_url())
    rows = []
    for reminder in reminders:
        rows.append(ReminderDelivery(
            reminder=reminder, channel=DeliveryChannel.IN_APP, recipient=reminder.unit.name,
            status=DeliveryStatus.SENT, attempts=1,
        ))
        if outside:
            _attach_notice(reminder, actor, today)
        if email_enabled():
            addresses = unit_addresses(reminder.unit)
            rows += [ReminderDelivery(reminder=reminder, channel=DeliveryChannel.EMAIL, recipient=a) for a in addresses]
            if not addresses:
                rows.append(ReminderDelivery(
                    reminder=reminder, channel=DeliveryChannel.EMAIL, status=DeliveryStatus.FAILED, error=NO_ADDRESS,
                ))
        if webhook_url():
            rows.append(ReminderDelivery(
                reminder=reminder, channel=DeliveryChannel.WEBHOOK, recipient=urlsplit(webhook_url()).netloc,
            ))
    created = ReminderDelivery.objects.bulk_create(rows)
    pending = [row.pk for row in created if row.status == DeliveryStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: deliver(pending))
    return created


@service
def resend_delivery(*, actor: User, delivery: ReminderDelivery) -> ReminderDelivery:
    """Send a failed delivery again (the office's button); the result is on the row when this returns
    to a caller outside any transaction."""
    delivery = ReminderDelivery.objects.select_for_update().select_related("reminder__unit__region").get(pk=delivery.pk)
    reminder = delivery.reminder
    if not can_administer(actor, reminder.unit.region):
        raise ReportPermissionError("只有本地区纲要办管理员可以重新发送催办")
    if delivery.status == DeliveryStatus.SENT:
        raise ReportError("该渠道已发送成功，无需重新发送")
    if delivery.channel == DeliveryChannel.IN_APP:
        raise ReportError("站内催办无需重新发送")
    if delivery.channel == DeliveryChannel.EMAIL and not email_enabled():
        raise ReportError("系统未配置邮件服务器（KESU_SMTP_HOST），无法发送邮件")
    if delivery.channel == DeliveryChannel.WEBHOOK and not webhook_url():
        raise ReportError("系统未配置 Webhook 地址（KESU_REMINDER_WEBHOOK_URL），无法发送")
    rows = [delivery]
    if delivery.channel == DeliveryChannel.EMAIL and not delivery.recipient:
        addresses = unit_addresses(reminder.unit)
        if not addresses:
            raise ReportError(f"{reminder.unit.name}仍没有填写电子邮箱的用户，请先在用户管理中补充邮箱")
        delivery.recipient = addresses[0]
        rows += ReminderDelivery.objects.bulk_create([
            ReminderDelivery(reminder=reminder, channel=DeliveryChannel.EMAIL, recipient=a) for a in addresses[1:]
        ])
    if reminder.notice_id is None:
        _attach_notice(reminder, actor, timezone.localdate())
    delivery.status, delivery.error = DeliveryStatus.PENDING, ""
    delivery.save(update_fields=["recipient", "status", "error", "at"])
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: deliver(ids))
    return delivery


def deliver(delivery_ids: list[int]) -> None:
    """Send the pending deliveries among `delivery_ids`, recording each outcome. Never raises."""
    rows = list(
        ReminderDelivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.PENDING)
        .select_related("reminder__unit__region", "reminder__period", "reminder__sent_by",
                        "reminder__notice__unit", "reminder__notice__region", "reminder__notice__issued_by")
        .order_by("id")
    )
    try:
        emails = [row for row in rows if row.channel == DeliveryChannel.EMAIL]
        if emails:
            _send_emails(emails)
        hooks = [row for row in rows if row.channel == DeliveryChannel.WEBHOOK]
        if hooks:
            _post_webhooks(hooks)
    except Exception as error:  # a bug here must not turn a saved reminder into an error page
        logger.exception("reminder delivery failed")
        for row in rows:
            if row.status == DeliveryStatus.PENDING:
                _finish(row, f"发送时出错：{error}")


def _finish(row: ReminderDelivery, error: str = "") -> None:
    row.status = DeliveryStatus.FAILED if error else DeliveryStatus.SENT
    row.error = error[:2000]
    row.attempts += 1
    row.save(update_fields=["status", "error", "attempts", "at"])


# ---------------------------------------------------------------------------------------------
# What goes out


def notice_url(notice: ReminderNotice | None) -> str | None:
    if notice is None:
        return None
    return f"{settings.KESU_SITE_URL}{reverse('progress:notice_download', args=[notice.pk, 'pdf'])}"


def message_text(reminder: Reminder) -> str:
    """The reminder's message followed by its notice, as plain text (e-mail body, webhook `text`)."""
    parts = [reminder.message.strip()]
    if reminder.notice is not None:
        parts.append(notice_content(reminder.notice).text)
        parts.append(f"通知单（PDF）：{notice_url(reminder.notice)}")
    return "\n\n".join(parts)


def webhook_payload(reminder: Reminder) -> dict:
    notice = reminder.notice
    return {
        "reminder_id": reminder.pk,
        "unit": reminder.unit.name,
        "unit_id": reminder.unit_id,
        "region": reminder.unit.region.name,
        "region_code": reminder.unit.region.code,
        "period": reminder.period.label if reminder.period_id else None,
        "serial": notice.serial if notice else None,
        "items": notice.items if notice else [],
        "text": message_text(reminder),
        "notice_url": notice_url(notice),
        "sent_at": timezone.localtime(reminder.sent_at).isoformat(),
    }


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _reason(error: object) -> str:
    """An OS-level failure in Chinese (the exception's own text is English), keeping the original."""
    if isinstance(error, ConnectionRefusedError):
        return f"连接被拒绝，对方服务未启动或端口有误（{error}）"
    if isinstance(error, (socket.timeout, TimeoutError)):
        return f"连接超时（{error}）"
    if isinstance(error, socket.gaierror):
        return f"无法解析服务器地址（{error}）"
    return str(error)


def _email_error(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"邮件服务器拒绝登录（用户名或密码错误）：{error}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return f"邮件服务器拒绝了收件人：{'、'.join(error.recipients)}"
    if isinstance(error, (ConnectionError, socket.timeout, socket.gaierror, smtplib.SMTPConnectError,
                          smtplib.SMTPServerDisconnected)):
        return f"无法连接邮件服务器 {settings.EMAIL_HOST}:{settings.EMAIL_PORT}：{_reason(error)}"
    return f"邮件发送失败：{error}"


def _email_for(reminder: Reminder, address: str, attachments: dict[int, tuple[str, bytes] | None]) -> EmailMessage:
    notice = reminder.notice
    subject = (
        f"【督办】{notice.serial} {notice.region.name}纲要办关于报送任务进展的通知"
        if notice else f"【催办】{reminder.unit.region.name}纲要办催办通知"
    )
    message = EmailMessage(subject=subject, body=message_text(reminder), to=[address])
    attachment = attachments.get(reminder.pk)
    if attachment is not None:
        message.attach(attachment[0], attachment[1], "application/pdf")
    return message


def _pdf_attachments(rows: list[ReminderDelivery]) -> dict[int, tuple[str, bytes] | None]:
    """The notice PDF of each reminder, typeset once however many people it goes to."""
    result: dict[int, tuple[str, bytes] | None] = {}
    if not getattr(settings, "KESU_SMTP_ATTACH_NOTICE", False):
        return result
    from kesu.progress.notice_pdf import render_pdf

    for row in rows:
        reminder = row.reminder
        if reminder.pk in result or reminder.notice is None:
            continue
        content = notice_content(reminder.notice)
        try:
            result[reminder.pk] = (f"{content.filename}.pdf", render_pdf([content]))
        except Exception:  # no CJK fonts on this server: the text in the body still says it all
            logger.exception("notice PDF for reminder %s could not be typeset", reminder.pk)
            result[reminder.pk] = None
    return result


def _send_emails(rows: list[ReminderDelivery]) -> None:
    attachments = _pdf_attachments(rows)
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as error:
        for row in rows:
            _finish(row, _email_error(error))
        return
    try:
        for row in rows:
            try:
                sent = connection.send_messages([_email_for(row.reminder, row.recipient, attachments)])
            except Exception as error:
                _finish(row, _email_error(error))
                if isinstance(error, (ConnectionError, smtplib.SMTPServerDisconnected)):
                    for rest in rows[rows.index(row) + 1:]:
                        _finish(rest, f"未发送：连接在发送前一封时中断（{error}），请重新发送")
                    return
            else:
                _finish(row, "" if sent else "邮件服务器未接收该邮件")
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("closing the SMTP connection failed", exc_info=True)


def _post_webhooks(rows: list[ReminderDelivery]) -> None:
    url, secret = webhook_url(), getattr(settings, "KESU_REMINDER_WEBHOOK_SECRET", "")
    timeout = getattr(settings, "KESU_REMINDER_WEBHOOK_TIMEOUT", 5)
    unreachable = ""
    for row in rows:
        if unreachable:
            _finish(row, f"未发送：同批前一条无法连接 Webhook（{unreachable}），请稍后重新发送")
            continue
        body = json.dumps(webhook_payload(row.reminder), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "kesu-reminders",
                   "X-Kesu-Delivery": str(row.pk)}
        if secret:
            headers["X-Kesu-Signature"] = signature(body, secret)
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            detail = error.read(300).decode("utf-8", "replace").strip()
            _finish(row, f"Webhook 返回 HTTP {error.code}{'：' + detail if detail else ''}")
        except (urllib.error.URLError, OSError) as error:
            reason = _reason(getattr(error, "reason", error))
            unreachable = reason
            _finish(row, f"无法连接 Webhook {urlsplit(url).netloc}：{reason}")
        else:
            _finish(row, "" if 200 <= status < 300 else f"Webhook 返回 HTTP {status}")


def outcome_text(reminders: Iterable[Reminder]) -> str:
    """How the outside channels went for `reminders`, for the message after sending ("" if none is on)."""
    counts: dict[tuple[str, str], int] = {}
    rows = ReminderDelivery.objects.filter(reminder__in=list(reminders)).exclude(channel=DeliveryChannel.IN_APP)
    for channel, status in rows.values_list("channel", "status"):
        counts[(channel, status)] = counts.get((channel, status), 0) + 1
    parts = []
    for channel in (DeliveryChannel.EMAIL, DeliveryChannel.WEBHOOK):
        done = [f"{DeliveryStatus(status).label} {counts[(channel, status)]} 条"
                for status in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.PENDING)
                if counts.get((channel, status))]
        if done:
            parts.append(f"{DeliveryChannel(channel).label}：{'，'.join(done)}")
    return "；".join(parts)
