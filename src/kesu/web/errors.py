"""Error pages in plain Chinese with a way back (Django's handler400/403/404/500 and the CSRF
failure view). 400/403/404 and the CSRF page extend the site base so the user keeps the top bar;
500 is a standalone template rendered without a request, because what failed may be the database
or a context processor the base needs."""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, urlsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger(__name__)

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _chinese_message(exception) -> str:
    """The Chinese part of a message the code raised ("对象不存在或无权查看 / not found"), or "" for
    messages meant for programmers (Django's "No Plan matches the given query.")."""
    text = str(exception or "").strip() if exception is not None else ""
    if isinstance(exception, BaseException) and exception.args:
        first = exception.args[0]
        text = first.strip() if isinstance(first, str) else ""
    if not _CJK.search(text):
        return ""
    return text.split(" / ")[0].strip()[:200]


def _back_url(request) -> str:
    """The page the user came from, when it is on this site; "" otherwise (the template then offers
    the browser's history)."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return ""
    try:
        host = request.get_host()
    except DisallowedHost:  # the very reason for a 400: no host to compare with
        return ""
    same_site = url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure())
    return referer if same_site else ""


def _render(request, template: str, status: int, **context) -> HttpResponse:
    context = {"back_url": _back_url(request), "home_url": reverse("home"), **context}
    try:
        return render(request, template, context, status=status)
    except Exception:
        # The base page needs the database (the user, the top bar); when that is what broke, the
        # user still gets the same words on the standalone page.
        logger.exception("error page %s could not be rendered with the site base", status)
        return _standalone(status, context.get("title", ""), context.get("message", ""))


def _standalone(status: int, title: str, message: str) -> HttpResponse:
    try:
        body = loader.get_template("errors/500.html").render({"title": title, "message": message})
    except Exception:
        body = (f"<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>{title or '服务器出错'}</title>"
                f"<h1>{title or '服务器出错'}</h1><p>请稍后再试。</p><p><a href=\"/\">回到首页</a></p></html>")
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def bad_request(request, exception=None):
    return _render(
        request, "errors/400.html", 400, title="请求无法处理",
        message=_chinese_message(exception) or "提交的内容不完整或格式不对，系统无法处理这次请求。",
    )


def permission_denied(request, exception=None):
    return _render(
        request, "errors/403.html", 403, title="无权访问",
        message=_chinese_message(exception) or "您当前的角色不能使用这个页面。",
    )


def page_not_found(request, exception=None):
    return _render(
        request, "errors/404.html", 404, title="页面不存在",
        message=_chinese_message(exception) or "您要找的页面或记录不存在，可能已被删除，或者链接有误。",
        path=request.path,
    )


def server_error(request=None):
    try:
        body = loader.get_template("errors/500.html").render({})
    except Exception:
        return _standalone(500, "服务器出错", "")
    return HttpResponseServerError(body)


def csrf_failure(request, reason: str = ""):
    """A form refused by the CSRF check: most often the page was open too long or the user logged
    out (or in again) in another tab. Nothing was saved."""
    login = reverse("login")
    back = _back_url(request)
    back_path = urlsplit(back).path if back else ""
    if back_path and back_path != login:
        login += "?next=" + quote(back_path, safe="/%")
    logger.warning("CSRF failure on %s: %s", request.path, reason)
    return _render(request, "errors/csrf_failure.html", 403, title="页面已过期，未能提交", login_url=login)
