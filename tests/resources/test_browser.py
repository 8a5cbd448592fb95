"""The recognition of a 科普教育基地 in a real browser: the county office screens the application and
puts an expert on the panel, the expert scores it from 我的评审任务, the office recognises the base,
and the base appears in the public directory, which needs no login."""

import pytest
from tests.browser import log_in, screenshot

from kesu.resources import lifecycle
from kesu.resources.models import BaseLevel, BaseStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def applied_base(make_base, reporter):
    base = make_base("乳山市海洋科普馆", address="乳山市银滩旅游度假区", contact_phone="13812345678")
    lifecycle.apply(actor=reporter, base=base, level=BaseLevel.COUNTY, year=2024)
    return base


def test_office_screens_expert_scores_office_recognises_directory_lists(live_server, chromium, applied_base,
                                                                        expert, county_office):
    errors = []
    office_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    expert_context = chromium.new_context(viewport={"width": 1280, "height": 900})
    public_context = chromium.new_context(viewport={"width": 390, "height": 800})
    try:
        office = office_context.new_page()
        office.on("pageerror", lambda error: errors.append(str(error)))
        log_in(office, live_server, county_office.username)
        office.click("nav.mainnav summary >> text=资源")  # the 资源 menu of the top bar
        office.click("nav.mainnav >> text=科普资源")
        office.wait_for_selector("h1 >> text=科普资源")
        assert "已申报" in office.inner_text("main")
        office.click(f"text={applied_base.name}")
        office.wait_for_selector("#current-application")

        office.click("button:has-text('退回修改')")  # without a reason: refused, and the page says why
        office.wait_for_selector(".msg-error >> text=初审退回时必须填写退回理由")
        office.fill("#current-application textarea[name=comment]", "材料齐全")
        office.click("button:has-text('初审通过')")
        office.wait_for_selector(".msg-success >> text=初审通过")

        office.check(f"label:has-text('{expert.name}') >> input[name=experts]")
        office.click("button:has-text('确定评审专家')")
        office.wait_for_selector(f".msg-success >> text=已安排专家评审：{expert.name}")
        screenshot(office, "resources-panel")

        reviewer = expert_context.new_page()
        reviewer.on("pageerror", lambda error: errors.append(str(error)))
        log_in(reviewer, live_server, expert.user.username)
        reviewer.click("nav.mainnav >> text=我的评审任务")
        reviewer.wait_for_selector(f"td >> text={applied_base.name}")
        reviewer.click("a.button:has-text('评分')")
        inputs = reviewer.locator("input[type=number]")
        for index in range(inputs.count()):
            inputs.nth(index).fill("12")  # every criterion is out of 15 or more
        reviewer.fill("textarea[name=comment]", "展教资源丰富，活动扎实")
        screenshot(reviewer, "resources-review")
        reviewer.click("button:has-text('提交评分')")
        reviewer.wait_for_selector(".msg-success >> text=已提交对")

        office.reload()
        office.fill("input[name=plaque_number]", "RS-2024-08")
        office.click("button:has-text('认定为县级科普教育基地')")
        office.wait_for_selector(".msg-success >> text=已认定")
        assert "RS-2024-08" in office.inner_text("main")

        public = public_context.new_page()
        public.on("pageerror", lambda error: errors.append(str(error)))
        public.goto(f"{live_server.url}/directory/")
        public.wait_for_selector(f"td >> text={applied_base.name}")
        public.fill("input[name=q]", "银滩")
        public.click("button:has-text('查询')")
        public.wait_for_url("**q=*")
        listed = public.inner_text("main")
        screenshot(public, "resources-directory")
        assert applied_base.name in listed and "县级" in listed and "13812345678" not in listed
    finally:
        for context in (office_context, expert_context, public_context):
            context.close()

    applied_base.refresh_from_db()
    assert (applied_base.status, applied_base.level) == (BaseStatus.RECOGNISED, BaseLevel.COUNTY)
    assert errors == []
