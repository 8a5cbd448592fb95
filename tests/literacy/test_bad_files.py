"""Bad uploads and bad mappings: a clear message naming the problem (with row numbers) and nothing stored."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from openpyxl import Workbook
from tests.literacy.conftest import confirm, csv_bytes, scored_wave, upload

from kesu.literacy.mapping import MAX_SHOWN_PROBLEMS
from kesu.literacy.models import LiteracyEstimate, SurveyWave

pytestmark = pytest.mark.django_db


def _nothing_stored(media: Path) -> None:
    assert SurveyWave.objects.count() == 0
    assert LiteracyEstimate.objects.count() == 0
    waves_folder = media / "surveys" / "waves"
    assert not waves_folder.exists() or not any(waves_folder.iterdir())


@pytest.fixture
def statistician_client(client, huzhou):
    client.force_login(huzhou.users["statistician"])
    return client


def test_misspelt_weight_column_is_suggested_and_confirming_without_weight_is_refused(statistician_client, media):
    columns = scored_wave(n=200)
    columns["weigth"] = columns.pop("weight")
    response = upload(statistician_client, "330500", csv_bytes(columns))
    assert response.status_code == 302
    page = statistician_client.get(response.url).content.decode()
    assert "没有识别出权数列" in page and "“weigth”列是否就是权数" in page
    assert '<option value="" selected>（请选择）</option>' in page

    refused = confirm(statistician_client, response.url, weight="")
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "请选择权数列；“weigth”列是否就是权数？" in text
    _nothing_stored(media)


def test_negative_and_text_weights_are_listed_with_their_row_numbers(statistician_client, media):
    columns = scored_wave(n=200)
    weights = columns["weight"].astype(object)
    weights[4] = -12.5  # spreadsheet row 6 (header is row 1)
    weights[9] = "缺"   # row 11
    columns["weight"] = weights
    response = upload(statistician_client, "330500", csv_bytes(columns))
    refused = confirm(statistician_client, response.url)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "发现 2 个问题" in text
    assert "第 6 行，权数列“weight”：-12.5 不是正数" in text
    assert "第 11 行，权数列“weight”：“缺”不是数字" in text
    _nothing_stored(media)


def test_many_problems_are_capped_with_a_count(statistician_client, media):
    columns = scored_wave(n=200)
    columns["weight"] = -np.abs(columns["weight"])
    response = upload(statistician_client, "330500", csv_bytes(columns))
    refused = confirm(statistician_client, response.url)
    text = refused.content.decode()
    n = len(columns["weight"])
    assert f"发现 {n} 个问题" in text
    assert text.count("不是正数") == MAX_SHOWN_PROBLEMS
    assert f"另有 {n - MAX_SHOWN_PROBLEMS} 个问题未列出" in text
    _nothing_stored(media)


def test_one_psu_stratum_under_fail_is_named(statistician_client, media):
    columns = scored_wave(n=300)
    # Stratum 3 keeps only its first PSU.
    in_stratum = columns["stratum"] == 3
    first_psu = columns["psu"][in_stratum][0]
    keep = ~in_stratum | (columns["psu"] == first_psu)
    columns = {name: values[keep] for name, values in columns.items()}
    response = upload(statistician_client, "330500", csv_bytes(columns))
    refused = confirm(statistician_client, response.url)
    assert refused.status_code == 400
    text = refused.content.decode()
    first_row = int(np.flatnonzero(columns["stratum"] == 3)[0]) + 2
    assert f"层“3”只有 1 个初级抽样单元列（psu“{int(first_psu)}”，第 {first_row} 行）" in text
    assert "改选 adjust" in text
    _nothing_stored(media)

    # With another lonely-PSU option the same file is accepted, with a note.
    accepted = confirm(statistician_client, response.url, lonely_psu="adjust")
    assert accepted.status_code == 302
    assert SurveyWave.objects.get().lonely_psu == "adjust"


def test_wrong_file_type_empty_file_and_header_only_file(statistician_client, media):
    wrong = upload(statistician_client, "330500", b"%PDF-1.4 not a table", filename="wave.pdf")
    assert wrong.status_code == 400
    assert "不支持的文件类型“.pdf”，请上传 .csv 或 .xlsx 文件" in wrong.content.decode()

    empty = upload(statistician_client, "330500", b"", filename="wave.csv")
    assert empty.status_code == 400
    assert "文件是空的（0 字节）" in empty.content.decode()

    header_only = upload(statistician_client, "330500", b"weight,stratum,psu,literate\n", filename="wave.csv")
    assert header_only.status_code == 400
    assert "只有表头行，没有受访者记录" in header_only.content.decode()

    fake_xlsx = upload(statistician_client, "330500", b"just text", filename="wave.xlsx")
    assert fake_xlsx.status_code == 400
    assert "读取文件出错" in fake_xlsx.content.decode() and "wave.xlsx" in fake_xlsx.content.decode()
    assert "/tmp/" not in fake_xlsx.content.decode()  # the server's temporary path is not shown
    # The page shows the Chinese half of the survey package's bilingual message.
    assert "不是可读取的 XLSX 工作簿" in fake_xlsx.content.decode()
    assert "not a readable XLSX workbook" not in fake_xlsx.content.decode()
    _nothing_stored(media)
    staging = media / "surveys" / "staging"
    assert not staging.exists() or not any(staging.iterdir())


def test_scored_file_without_literate_or_with_bad_values(statistician_client, media):
    columns = scored_wave(n=100)
    columns["Literate "] = columns.pop("literate")
    response = upload(statistician_client, "330500", csv_bytes(columns))
    assert response.status_code == 400
    assert "已评分数据须有 literate 列" in response.content.decode()
    assert "是否是“Literate”列" in response.content.decode()

    # 是 is a spelling of 1 (kesu.survey.columns, as on the command line); 2 is no spelling of 0 or 1.
    columns = scored_wave(n=100)
    literate = columns["literate"].astype(object)
    literate[0] = "是"
    literate[2] = 2
    columns["literate"] = literate
    response = upload(statistician_client, "330500", csv_bytes(columns))
    assert response.status_code == 400
    text = response.content.decode()
    assert "发现 1 个问题" in text
    assert "<li>第 4 行，分析变量列“literate”：“2”不是 0 或 1（也可写 是/否、具备/不具备、TRUE/FALSE）</li>" in text
    assert "“是”" not in text
    _nothing_stored(media)

    # An all-blank literate column (nobody scored) is refused when staged.
    columns = scored_wave(n=100)
    columns["literate"] = np.full(len(columns["literate"]), "", dtype=object)
    response = upload(statistician_client, "330500", csv_bytes(columns))
    assert response.status_code == 400
    assert "<li>分析变量列“literate”全部缺失，无法估计</li>" in response.content.decode()
    _nothing_stored(media)


def test_spelled_and_blank_literate_and_blank_group_values_are_accepted_with_warnings(statistician_client, media):
    columns = scored_wave(n=200)
    literate = columns["literate"].astype(object)
    literate[:4] = ["是", "否", "具备", "不具备"]
    literate[5] = ""  # row 7: an unscored respondent
    literate[8] = ""  # row 10
    columns["literate"] = literate
    sex = columns["sex"].astype(object)
    sex[3] = ""  # row 5
    columns["sex"] = sex
    response = upload(statistician_client, "330500", csv_bytes(columns))
    assert response.status_code == 302
    page = statistician_client.get(response.url).content.decode()
    assert "<li>分析变量列“literate”有 2 行缺失（如第 7 行），估计时剔除</li>" in page
    assert "<li>分组列“sex”有 1 行缺失（如第 5 行），归入“（缺失）”组</li>" in page
    assert confirm(statistician_client, response.url).status_code == 302
    wave = SurveyWave.objects.get()
    by_sex = {row.domain["sex"]: row.n for row in LiteracyEstimate.objects.filter(
        wave=wave, ci_method="logit", dimension="sex")}
    assert set(by_sex) == {"男", "女", "（缺失）"} and by_sex["（缺失）"] == 1
    overall = LiteracyEstimate.objects.get(wave=wave, ci_method="logit", domain_key="")
    assert overall.n == len(literate) - 2


def test_xlsx_upload_is_read(statistician_client, media):
    columns = scored_wave(n=120)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for row in zip(*columns.values(), strict=True):
        sheet.append([value.item() if hasattr(value, "item") else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(statistician_client, "330500", buffer.getvalue(), filename="第一轮.xlsx")
    assert response.status_code == 302
    assert confirm(statistician_client, response.url).status_code == 302
    assert SurveyWave.objects.get().original_filename == "第一轮.xlsx"
