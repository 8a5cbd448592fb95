"""The channels' outputs read back: the WeChat fragment (inline styles only), the poster PDF through
pdfplumber, the broadcast text's limits and the unit package zip with its checksums."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pdfplumber
import pytest
from django.core.files.base import ContentFile
from docx import Document
from PIL import Image

from kesu.content import channels
from kesu.content.errors import ContentError

pytestmark = pytest.mark.django_db

BODY = ('<h2 class="x">防溺水要点</h2><p>夏季是溺水高发期。</p>'
        '<ul><li>不私自下水游泳</li><li>不擅自与同学结伴游泳</li></ul><img src="/media/a.png">')

def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (26, 95, 180)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_wechat_html_has_inline_styles_and_absolute_images(approved_item, settings):
    settings.KESU_SITE_URL = "https://kesu.example.cn"
    version = approved_item(body_html=BODY).approved_version
    fragment = channels.wechat_html(version)
    assert "class=" not in fragment and "<style" not in fragment and "<link" not in fragment
    assert '<h2 style="' in fragment and '<li style="margin:0 0 .4em;">' in fragment
    assert 'src="https://kesu.example.cn/media/a.png"' in fragment
    assert "夏季防溺水安全知识" in fragment and "本文已经科学性审查" in fragment
    assert "来源：乳山市科学素质工作领导小组办公室" in fragment and "授权：自有版权" in fragment


def test_poster_pdf_reads_back_with_cjk(approved_item):
    item = approved_item(body_html=BODY)
    version = item.approved_version
    version.file.save("a.png", ContentFile(png()), save=False)
    version.file_type = "image/png"
    version.save()
    pdf = channels.poster_pdf(version)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "".join(page.extract_text() or "" for page in document.pages).replace(" ", "")
        assert document.pages[0].images  # the item image is on the poster
        assert round(document.pages[0].width) == 595  # A4
    assert "夏季防溺水安全知识" in text
    assert "不私自下水游泳" in text and "不擅自与同学结伴游泳" in text
    assert "本文已经科学性审查" in text
    with pdfplumber.open(io.BytesIO(channels.poster_pdf(version, "A3"))) as document:
        assert round(document.pages[0].width) == 842


def test_key_points_fall_back_to_paragraphs():
    assert channels.key_points("<p>一</p><p>二</p>") == ["一", "二"]
    assert channels.key_points("<p>引言</p><ol><li>甲</li><li>乙</li></ol>") == ["甲", "乙"]


def test_broadcast_text_limits(approved_item):
    assert channels.broadcast_text(approved_item(broadcast_text=" 暴雨来临请远离河道 ").approved_version) == \
        "暴雨来临请远离河道"
    with pytest.raises(ContentError, match="没有广播"):
        channels.broadcast_text(approved_item(title="无广播").approved_version)
    version = approved_item(title="过长").approved_version
    version.broadcast_text = "长" * 71  # as an old row might hold
    with pytest.raises(ContentError, match="超过70字"):
        channels.broadcast_text(version)


def test_unit_package_zip(approved_item):
    item = approved_item(body_html=BODY, broadcast_text="防溺水：不私自下水")
    version = item.approved_version
    version.file.save("leaflet.pdf", ContentFile(b"%PDF-1.4 original"), save=False)
    version.file_name, version.file_type = "防溺水折页.pdf", "application/pdf"
    version.save()
    with zipfile.ZipFile(io.BytesIO(channels.unit_package(item))) as archive:
        names = set(archive.namelist())
        assert names == {"夏季防溺水安全知识.docx", "夏季防溺水安全知识.html", "夏季防溺水安全知识-海报.pdf",
                         "广播短信文本.txt", "原文件-防溺水折页.pdf", "清单.txt"}
        manifest = archive.read("清单.txt").decode()
        for name in names - {"清单.txt"}:
            assert hashlib.sha256(archive.read(name)).hexdigest() in manifest
        assert archive.read("广播短信文本.txt").decode() == "防溺水：不私自下水"
        assert archive.read("原文件-防溺水折页.pdf") == b"%PDF-1.4 original"
        docx = Document(io.BytesIO(archive.read("夏季防溺水安全知识.docx")))
        paragraphs = [p.text for p in docx.paragraphs]
        assert "不私自下水游泳" in paragraphs and "本文已经科学性审查" in paragraphs
        assert "不私自下水游泳" in archive.read("夏季防溺水安全知识.html").decode()
