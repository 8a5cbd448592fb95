"""Repairs of the copies document sites print of a plan: prompts of the site inside the text, and
characters the site repeats."""

from __future__ import annotations

import re

# a document site's paywall and download prompts printed inside the text (隐藏内容 / 普通用户特权：8.8积分)
_SITE_FURNITURE = re.compile(
    r"^(?:隐藏内容|此处内容需要权限查看|(?:会员)?免费查看|会员免费查看|(?:普通|会员|VIP|网站代理)用户特权[:：].*"
    r"|登录后(?:查看|阅读).*|继续免费阅读|下载本文档|展开阅读全文|点击查看全文)$"
)


def is_site_prompt(text: str) -> bool:
    return len(text) <= 30 and bool(_SITE_FURNITURE.match(text))


# 开展全全镇中小学生科普知识教育育活动: a document site that repeats the character at every line wrap of
# its copy. Real reduplications (天天, 洗洗澡) are rare, so a text with one doubled character in every
# 50 or fewer (at least ten of them) is such a copy and every doubling is undone.
_DOUBLED = re.compile(r"([\u4e00-\u9fff])\1")


def undouble(text: str) -> str:
    count = len(_DOUBLED.findall(text))
    if count >= 10 and count * 50 >= len(text):
        return _DOUBLED.sub(r"\1", text)
    return text
