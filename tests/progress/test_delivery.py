"""Reminders out of the app: e-mail through a real SMTP server (aiosmtpd on a local port) and the webhook
through a real HTTP server (http.server in a thread), each with success and failure, the delivery
records, sending again by hand, and the settings read from the environment."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from kesu.progress import delivery, reminders, services
from kesu.progress.models import DeliveryChannel, DeliveryStatus, Reminder, ReminderDelivery, ReminderNotice

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _use_smtp(settings, port: int) -> None:
    settings.KESU_REMINDER_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.DEFAULT_FROM_EMAIL = "gangyaoban@rushan.example.cn"
    settings.KESU_SITE_URL = "https://kesu.rushan.example.cn"


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        status = self.server.status
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b'{"errcode":0}' if status == 200 else "网关繁忙".encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    server.received, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _give_emails(world):
    agri = world.users["agri"]
    agri.email = "agri@rushan.example.cn"
    agri.save()
    from tests.factories import make_user

    colleague = make_user("agri2", "unit_reporter", unit=world.units["市农业农村局"])
    colleague.email = "nongye@rushan.example.cn"
    colleague.save()


def _rows(reminder) -> dict[str, list[ReminderDelivery]]:
    result: dict[str, list[ReminderDelivery]] = {}
    for row in ReminderDelivery.objects.filter(reminder=reminder).order_by("id"):
        result.setdefault(row.channel, []).append(row)
    return result


def test_without_settings_a_reminder_is_delivered_in_the_app_only(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminders.send_reminder(actor=world.users["office"], unit=world.units["团市委"], message="请报送",
                                           period=world.periods[0])
    assert [(r.channel, r.status) for r in reminder.deliveries.all()] == [("in_app", "sent")]
    assert reminder.notice is None and not ReminderNotice.objects.exists()


def test_email_goes_to_the_units_users_with_the_notice(world, settings, smtp_server, django_capture_on_commit_callbacks):
    controller, inbox = smtp_server
    _use_smtp(settings, controller.port)
    settings.KESU_SMTP_ATTACH_NOTICE = True
    _give_emails(world)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminders.send_reminder(
            actor=world.users["office"], unit=world.units["市农业农村局"], message="请于本周内报送上半年进展",
            period=world.periods[0],
        )
    rows = _rows(reminder)
    assert [(r.recipient, r.status, r.error) for r in rows["email"]] == [
        ("agri@rushan.example.cn", "sent", ""), ("nongye@rushan.example.cn", "sent", ""),
    ]
    assert rows["in_app"][0].status == DeliveryStatus.SENT
    reminder.refresh_from_db()
    serial = reminder.notice.serial
    assert sorted(tos[0] for tos, _ in inbox.messages) == ["agri@rushan.example.cn", "nongye@rushan.example.cn"]
    _, message = inbox.messages[0]
    assert serial in message["Subject"] and message["From"] == "gangyaoban@rushan.example.cn"
    body = message.get_body(("plain",)).get_content()
    assert "请于本周内报送上半年进展" in body and "3.2.1 培育高素质农民（牵头）2024年上半年" in body
    assert f"https://kesu.rushan.example.cn/reminders/notices/{reminder.notice.pk}.pdf" in body
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf" and attachment.get_content().startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)  # the view's transaction commits, and sending follows it
def test_smtp_down_is_recorded_and_sent_again_by_hand(world, settings, client_for):
    _use_smtp(settings, _free_port())  # nothing listens there
    _give_emails(world)
    office = client_for("office")
    response = office.post(reverse("progress:reminder_new"), {
        "unit": world.units["市农业农村局"].pk, "period": world.periods[0].pk, "message": "请尽快报送",
    }, follow=True)
    assert "已向市农业农村局发送催办。邮件：发送失败 2 条" in response.content.decode()
    reminder = Reminder.objects.get()  # the reminder itself is saved
    failed = _rows(reminder)["email"]
    assert [r.status for r in failed] == ["failed", "failed"]
    assert failed[0].error.startswith(f"无法连接邮件服务器 127.0.0.1:{settings.EMAIL_PORT}：")
    outbox = office.get(reverse("progress:inbox")).content.decode()
    assert "发送失败" in outbox and "无法连接邮件服务器" in outbox

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        # Another region's office cannot touch it; the office sends it again.
        resend = reverse("progress:delivery_resend", args=[failed[0].pk])
        assert client_for("other_office").post(resend).status_code == 404
        assert client_for("agri").post(resend).status_code == 403  # its own unit, but not the office
        page = office.post(resend, {"next": reverse("progress:inbox")}, follow=True).content.decode()
    finally:
        controller.stop()
    assert "已重新发送：邮件 agri@rushan.example.cn" in page
    failed[0].refresh_from_db()
    assert (failed[0].status, failed[0].attempts, failed[0].error) == ("sent", 2, "")
    assert [tos for tos, _ in inbox.messages] == [["agri@rushan.example.cn"]]


def test_a_unit_without_addresses_gets_a_failed_email_row(world, settings, smtp_server,
                                                          django_capture_on_commit_callbacks):
    _use_smtp(settings, smtp_server[0].port)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = reminders.send_reminder(actor=world.users["office"], unit=world.units["团市委"], message="请报送")
    [row] = _rows(reminder)["email"]
    assert (row.status, row.error) == ("failed", delivery.NO_ADDRESS)
    with pytest.raises(services.ReportError, match="仍没有填写电子邮箱的用户"):
        delivery.resend_delivery(actor=world.users["office"], delivery=row)


def test_webhook_posts_signed_json_for_each_unit(world, settings, gateway, django_capture_on_commit_callbacks):
    settings.KESU_REMINDER_WEBHOOK_URL = f"http://127.0.0.1:{gateway.server_port}/hook"
    settings.KESU_REMINDER_WEBHOOK_SECRET = "s3cret"
    units = [world.units["市农业农村局"].pk, world.units["团市委"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders.send_bulk_reminders(actor=world.users["office"], period=world.periods[0],
                                             message="请尽快报送", unit_ids=units)
    assert len(gateway.received) == 2
    by_unit = {}
    for headers, body in gateway.received:
        expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        assert headers["X-Kesu-Signature"] == expected
        payload = json.loads(body)
        by_unit[payload["unit"]] = payload
    agri = by_unit["市农业农村局"]
    assert agri["region"] == "乳山市" and agri["period"] == "2024年上半年"
    assert [i["task_code"] for i in agri["items"]] == ["3.2.1"] and agri["items"][0]["role"] == "牵头"
    assert agri["items"][0]["days_overdue"] > 0
    assert "请尽快报送" in agri["text"] and agri["serial"] in agri["text"]
    assert agri["notice_url"].endswith(f"/reminders/notices/{Reminder.objects.get(pk=agri['reminder_id']).notice_id}.pdf")
    assert [i["task_code"] for i in by_unit["团市委"]["items"]] == ["3.1.2"]
    assert {(r.channel, r.status) for r in ReminderDelivery.objects.filter(reminder__in=sent)} == {
        ("in_app", "sent"), ("webhook", "sent"),
    }


def test_webhook_failures_are_recorded_without_a_storm(world, settings, gateway, django_capture_on_commit_callbacks):
    units = [world.units["市农业农村局"].pk, world.units["团市委"].pk, world.units["市教育和体育局"].pk]
    gateway.status = 500
    settings.KESU_REMINDER_WEBHOOK_URL = f"http://127.0.0.1:{gateway.server_port}/hook"
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_bulk_reminders(actor=world.users["office"], period=world.periods[0], message="请报送",
                                      unit_ids=units[:1])
    row = ReminderDelivery.objects.get(channel=DeliveryChannel.WEBHOOK)
    assert (row.status, row.error) == ("failed", "Webhook 返回 HTTP 500：网关繁忙")

    # The gateway is down: the first post fails to connect, the rest of the batch is not tried.
    settings.KESU_REMINDER_WEBHOOK_URL = f"http://127.0.0.1:{_free_port()}/hook"
    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders.send_bulk_reminders(actor=world.users["office"], period=world.periods[1], message="请报送",
                                             unit_ids=units)
    rows = list(ReminderDelivery.objects.filter(reminder__in=sent, channel=DeliveryChannel.WEBHOOK).order_by("id"))
    assert [r.status for r in rows] == ["failed"] * 3
    assert rows[0].error.startswith("无法连接 Webhook 127.0.0.1:")
    assert all(r.error.startswith("未发送：同批前一条无法连接 Webhook") and r.attempts == 1 for r in rows[1:])
    assert Reminder.objects.count() == 4  # every reminder is kept

    # The gateway is back: the office sends one again from the reminder page.
    gateway.status = 200
    settings.KESU_REMINDER_WEBHOOK_URL = f"http://127.0.0.1:{gateway.server_port}/hook"
    with django_capture_on_commit_callbacks(execute=True):
        delivery.resend_delivery(actor=world.users["office"], delivery=rows[1])
    rows[1].refresh_from_db()
    assert rows[1].status == DeliveryStatus.SENT and json.loads(gateway.received[-1][1])["period"] == "2024年下半年"


def test_the_reminder_page_shows_each_units_last_delivery(world, settings, client_for, django_capture_on_commit_callbacks):
    settings.KESU_REMINDER_WEBHOOK_URL = f"http://127.0.0.1:{_free_port()}/hook"
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_bulk_reminders(actor=world.users["office"], period=world.periods[0], message="请报送",
                                      unit_ids=[world.units["团市委"].pk])
    page = client_for("office").get(reverse("progress:reminder_bulk"), {"period": world.periods[0].pk}).content.decode()
    row = page.split('data-unit="团市委"', 1)[1].split("</tr>", 1)[0]
    assert "站内：" in row and "已发送" in row and "发送失败" in row and "无法连接 Webhook" in row
    assert "重新发送" in row and "督办〔" in row
    other = page.split('data-unit="市农业农村局"', 1)[1].split("</tr>", 1)[0]
    assert "未催办" in other


def test_settings_come_from_the_environment(tmp_path):
    env = {**os.environ, "KESU_DATA_DIR": str(tmp_path), "KESU_SMTP_HOST": "smtp.example.cn", "KESU_SMTP_PORT": "465",
           "KESU_SMTP_USER": "kesu", "KESU_SMTP_PASSWORD": "pw", "KESU_SMTP_USE_SSL": "1",
           "KESU_SMTP_FROM": "纲要办 <kesu@example.cn>", "KESU_REMINDER_WEBHOOK_URL": "https://gw.example.cn/hook"}
    code = (
        "from kesu.web import settings as s; print(s.KESU_REMINDER_EMAIL, s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
        " s.EMAIL_USE_SSL, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.KESU_REMINDER_WEBHOOK_URL, sep='|')"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == ("True|django.core.mail.backends.smtp.EmailBackend|smtp.example.cn|465|True|False|"
                           "纲要办 <kesu@example.cn>|https://gw.example.cn/hook")
    off = {k: v for k, v in env.items() if not k.startswith(("KESU_SMTP", "KESU_REMINDER"))}
    code = "from kesu.web import settings as s; print(s.KESU_REMINDER_EMAIL, repr(s.KESU_REMINDER_WEBHOOK_URL))"
    out = subprocess.run([sys.executable, "-c", code], env=off, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False ''"
