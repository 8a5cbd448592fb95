"""The top bar's menus: which links each role sees, grouped the way an office thinks of its work
(督办 / 统计 / 监测 / 资源 / 管理), and which menu the current page belongs to.

This table is the one place that decides a viewer's links: the top bar draws only what
:func:`nav_for` returns, and the current menu is found from the same table. A link may depend only
on the viewer's role, region and unit (``kesu.web.templatetags.shell.nav_variant``), because the
bar is cached per such variant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from kesu.org.models import Role

# Office staff, leaders and statisticians act for a region; the rest act for a unit or for themselves.
REGION_ROLES = frozenset({Role.OFFICE_ADMIN, Role.LEADER, Role.STATISTICIAN})


def _region_viewer(user) -> bool:
    return user.role in REGION_ROLES


def _region_viewer_with_region(user) -> bool:
    return user.role in REGION_ROLES and bool(user.region_id)


def _office_admin(user) -> bool:
    return user.role == Role.OFFICE_ADMIN


def _unit_reporter(user) -> bool:
    return user.role == Role.UNIT_REPORTER


def _anyone(user) -> bool:
    return True


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    shown_to: Callable[[object], bool]
    args: Callable[[object], tuple] = lambda user: ()
    # Pages reached through the link (a redirect, or a page of the same kind) that count as it.
    also: tuple[str, ...] = ()
    css: str = ""


@dataclass(frozen=True)
class Menu:
    key: str
    label: str
    links: tuple[Link, ...]
    # Pages of these URL namespaces belong to the menu when none of its links is the page itself.
    namespaces: tuple[str, ...] = ()


MENUS: tuple[Menu, ...] = (
    Menu("supervision", "督办", (
        Link("仪表盘", "supervision:dashboard_home", _region_viewer, also=("supervision:dashboard",)),
        Link("责任矩阵", "supervision:matrix_home", _region_viewer, also=("supervision:matrix",)),
        Link("考核评分", "supervision:scorecard_home", _region_viewer,
             also=("supervision:scorecard", "supervision:scorecard_weights", "supervision:scorecard_adjustment")),
        Link("地区仪表盘", "evaluation:region_dashboard", _region_viewer_with_region,
             args=lambda user: (user.region.code,)),
        Link("本单位", "supervision:unit_page", lambda user: user.role not in REGION_ROLES and bool(user.unit_id),
             args=lambda user: (user.unit_id,)),
        Link("我的任务", "progress:my_tasks", _unit_reporter, also=("progress:report_edit",)),
        Link("审核", "progress:review_queue", _office_admin, also=("progress:report_review",)),
        Link("催办", "progress:reminder_bulk", _office_admin, also=("progress:reminder_new",)),
    ), namespaces=("supervision", "progress", "evaluation")),
    Menu("indicators", "统计", (
        Link("科普统计", "indicators:list", _anyone),
        Link("统计填报", "indicators:entry", lambda user: user.role in (
            Role.OFFICE_ADMIN, Role.STATISTICIAN, Role.UNIT_REPORTER)),
        Link("统计审核", "indicators:review_queue", _office_admin),
        Link("目标进度", "indicators:targets", lambda user: user.role != Role.UNIT_REPORTER),
    ), namespaces=("indicators",)),
    Menu("literacy", "监测", (
        Link("素质监测", "literacy:home", _region_viewer_with_region),
    ), namespaces=("literacy",)),
    Menu("resources", "资源", (
        Link("科普资源", "resources:index", lambda user: _region_viewer_with_region(user) or (
            user.role == Role.UNIT_REPORTER and bool(user.unit_id))),
        Link("评审任务", "resources:my_reviews", _office_admin, also=("resources:review",)),
    ), namespaces=("resources",)),
    Menu("content", "内容", (
        Link("内容库", "content:library", lambda user: _region_viewer_with_region(user) or (
            user.role == Role.UNIT_REPORTER and bool(user.unit_id)),
             also=("content:item_new", "content:item", "content:item_edit", "content:version")),
        Link("审查规则", "content:review_policy", _office_admin),
        Link("辟谣", "content:rumour_list", _region_viewer_with_region,
             also=("content:rumour_new", "content:rumour_detail", "content:rumour_edit", "content:rumour_rebuttal")),
        Link("应急科普", "content:emergency_list", _region_viewer_with_region,
             also=("content:emergency_new", "content:emergency_detail", "content:package_list",
                   "content:package_detail")),
        Link("收到的科普内容", "content:inbox", _unit_reporter),
        Link("主题订阅", "content:subscriptions", lambda user: _unit_reporter(user) or _office_admin(user)),
    ), namespaces=("content",)),
    Menu("admin", "管理", (
        Link("方案导入", "plan_import:upload", _office_admin),
        Link("单位管理", "org:unit_list", _office_admin),
        Link("用户管理", "org:user_list", _office_admin),
    ), namespaces=("plan_import", "org")),
)

# Links beside the menus: an expert uses kesu for one thing, and unread messages must not hide in a
# closed menu.
TOP_LINKS: tuple[Link, ...] = (
    Link("我的评审任务", "resources:my_reviews", lambda user: user.role == Role.EXPERT, also=("resources:review",)),
    Link("我的内容审查", "content:review_queue", lambda user: user.role == Role.EXPERT, also=("content:review",)),
    Link("消息", "progress:inbox", _anyone, css="nav-inbox"),
)


@dataclass(frozen=True)
class ShownLink:
    label: str
    href: str
    css: str
    view_names: tuple[str, ...]


@dataclass(frozen=True)
class ShownMenu:
    key: str
    label: str
    links: tuple[ShownLink, ...]
    namespaces: tuple[str, ...]


@dataclass(frozen=True)
class NavBar:
    menus: tuple[ShownMenu, ...]
    links: tuple[ShownLink, ...]

    def all_links(self):
        for menu in self.menus:
            for link in menu.links:
                yield menu, link
        for link in self.links:
            yield None, link


def _shown(links: tuple[Link, ...], user) -> tuple[ShownLink, ...]:
    shown = []
    for link in links:
        if not link.shown_to(user):
            continue
        try:
            href = reverse(link.url_name, args=link.args(user))
        except NoReverseMatch:
            continue  # the page's app is not installed in this build
        shown.append(ShownLink(link.label, href, link.css, (link.url_name, *link.also)))
    return tuple(shown)


def nav_for(user) -> NavBar:
    """The viewer's menus (empty ones left out) and top-level links."""
    menus = tuple(
        ShownMenu(menu.key, menu.label, links, menu.namespaces)
        for menu in MENUS if (links := _shown(menu.links, user))
    )
    return NavBar(menus, _shown(TOP_LINKS, user))


@dataclass(frozen=True)
class Here:
    """Where the page is in the bar: its menu's key and the link that is the page, if any."""

    menu: str | None = None
    href: str | None = None


def locate(bar: NavBar, path: str, view_name: str | None, namespace: str | None) -> Here:
    """The page's menu and link: the link that is the page (its own path, or a page it leads to),
    else the menu that owns the page's URL namespace."""
    for menu, link in bar.all_links():
        if link.href == path or (view_name and view_name in link.view_names):
            return Here(menu.key if menu else None, link.href)
    for menu in bar.menus:
        if namespace and namespace in menu.namespaces:
            return Here(menu.key)
    return Here()
