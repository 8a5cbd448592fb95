"""Reading and writing survey tables: encodings, typing, row-numbered errors, atomic output."""

from __future__ import annotations

import math

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook

from kesu.survey.errors import SurveyError
from kesu.survey.io import display_value, read_table, require_column, require_numeric, write_csv, write_table

CSV_TEXT = "id,region,sex,weight,q01\n1,330502,男,1200.5,A\n2,330503,女,980,Ｂ\n3,330502,女,1100.25,\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_supported_encoding_reads_to_the_same_columns(tmp_path, encoding):
    path = tmp_path / "wave.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    table = read_table(path)
    assert list(table) == ["id", "region", "sex", "weight", "q01"]
    assert table["weight"].dtype == np.float64
    np.testing.assert_array_equal(table["weight"], [1200.5, 980.0, 1100.25])
    np.testing.assert_array_equal(table["region"], [330502.0, 330503.0, 330502.0])
    assert table["sex"].dtype == object
    assert table["sex"].tolist() == ["男", "女", "女"]
    assert table["q01"].tolist() == ["A", "Ｂ", ""]
    assert table.row_numbers.tolist() == [2, 3, 4]


def test_missing_value_spellings_become_nan_in_numeric_columns(tmp_path):
    path = tmp_path / "na.csv"
    path.write_text("x,y\n1,a\nNA,b\n,c\n.,d\n2.5,NA\n", encoding="utf-8")
    table = read_table(path)
    assert table["x"].dtype == np.float64
    assert np.isnan(table["x"][1:4]).all()
    assert table["x"][4] == 2.5
    assert table["y"].tolist() == ["a", "b", "c", "d", ""]


def test_zero_padded_codes_stay_text_so_0101_differs_from_101(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("village,count\n0101,3\n0102,4\n101,5\n", encoding="utf-8")
    table = read_table(path)
    assert table["village"].tolist() == ["0101", "0102", "101"]
    assert table["count"].dtype == np.float64


def test_blank_lines_are_skipped_but_still_counted_in_row_numbers(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("a,b\n1,2\n\n3,4\n", encoding="utf-8")
    table = read_table(path)
    assert table["a"].tolist() == [1.0, 3.0]
    assert table.row_numbers.tolist() == [2, 4]


def test_wrong_number_of_fields_names_file_and_row(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6\n7,8\n", encoding="utf-8")
    with pytest.raises(SurveyError, match=r"ragged\.csv: row 4 has 2 fields but the header has 3"):
        read_table(path)


def test_quoted_newline_keeps_record_on_one_row(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('a,note\n1,"two\nlines"\n2,x\n3\n', encoding="utf-8")
    with pytest.raises(SurveyError, match="row 4 has 1 fields"):
        read_table(path)


def test_undecodable_bytes_are_reported(tmp_path):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"a,b\n\x81\x20,1\n")
    with pytest.raises(SurveyError, match="UTF-8 or GB18030"):
        read_table(path)


def test_header_problems_are_reported(tmp_path):
    duplicate = tmp_path / "dup.csv"
    duplicate.write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    with pytest.raises(SurveyError, match=r"column name 'a' appears twice \(columns 1 and 3\)"):
        read_table(duplicate)
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("a,,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(SurveyError, match="row 1, column 2 has no name"):
        read_table(unnamed)


def test_unsupported_and_missing_files(tmp_path):
    with pytest.raises(SurveyError, match=r"unsupported file type '\.sav'"):
        read_table(tmp_path / "wave.sav")
    with pytest.raises(SurveyError, match="no such file"):
        read_table(tmp_path / "absent.csv")


def test_missing_column_suggests_the_closest_name(tmp_path):
    path = tmp_path / "wave.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    table = read_table(path)
    with pytest.raises(SurveyError, match=r"wave\.csv: no weight column 'wieght'; did you mean 'weight'\?"):
        require_column(table, "wieght", role="weight")
    with pytest.raises(SurveyError, match="the columns are: id, region, sex, weight, q01"):
        require_column(table, "zzz")


def test_text_in_a_numeric_column_names_its_row(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("id,w\n1,1.5\n2,2.5\n3,abc\n4,3\n", encoding="utf-8")
    table = read_table(path)
    assert table["w"].dtype == object  # mixed, so kept as text until it is used as a number
    with pytest.raises(SurveyError, match=r"w\.csv: row 4, weight column 'w': 'abc' is not a number"):
        require_numeric(table, "w", role="weight")


def test_required_value_missing_names_its_row(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("id,w\n1,1.5\n2,\n", encoding="utf-8")
    table = read_table(path)
    np.testing.assert_array_equal(require_numeric(table, "id"), [1.0, 2.0])
    with pytest.raises(SurveyError, match="row 3, weight column 'w': value is missing"):
        require_numeric(table, "w", role="weight", allow_missing=False)


def test_xlsx_reads_numbers_text_and_row_numbers(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["region", "sex", "weight", "q01"])
    sheet.append([330502, "男", 1200.5, "A"])
    sheet.append([None, None, None, None])
    sheet.append([330503, "女", 980, None])
    path = tmp_path / "wave.xlsx"
    workbook.save(path)
    table = read_table(path)
    np.testing.assert_array_equal(table["region"], [330502.0, 330503.0])
    np.testing.assert_array_equal(table["weight"], [1200.5, 980.0])
    assert table["sex"].tolist() == ["男", "女"]
    assert table["q01"].tolist() == ["A", ""]
    assert table.row_numbers.tolist() == [2, 4]


def test_xlsx_text_in_numeric_column_names_spreadsheet_row(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["w"])
    for value in (1.0, 2.0, "二", 4.0):
        sheet.append([value])
    path = tmp_path / "w.xlsx"
    workbook.save(path)
    with pytest.raises(SurveyError, match=r"row 4, column 'w': '二' is not a number"):
        require_numeric(read_table(path), "w")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_then_read_round_trips(tmp_path, suffix):
    columns = {
        "region": np.array([330502.0, 330503.0]),
        "sex": np.array(["男", "女"], dtype=object),
        "score": np.array([71.25, math.nan]),
    }
    path = tmp_path / f"out{suffix}"
    write_table(path, columns)
    table = read_table(path)
    np.testing.assert_array_equal(table["region"], columns["region"])
    assert table["sex"].tolist() == ["男", "女"]
    assert table["score"][0] == 71.25 and np.isnan(table["score"][1])
    if suffix == ".csv":
        text = path.read_bytes()
        assert text.startswith(b"\xef\xbb\xbf")  # BOM, so Excel shows the Chinese
        assert b"330502," in text  # whole numbers are written without ".0"
    else:
        assert load_workbook(path).active["A1"].font.bold


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path):
    def rows_failing_midway():
        yield [1, 2]
        raise SurveyError("boom")

    fresh = tmp_path / "fresh.csv"
    with pytest.raises(SurveyError, match="boom"):
        write_csv(fresh, ["a", "b"], rows_failing_midway())
    assert not fresh.exists()

    existing = tmp_path / "existing.csv"
    existing.write_text("old content\n", encoding="utf-8")
    with pytest.raises(SurveyError, match="boom"):
        write_csv(existing, ["a", "b"], rows_failing_midway())
    assert existing.read_text(encoding="utf-8") == "old content\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["existing.csv"]


def test_writing_into_a_missing_directory_is_a_survey_error(tmp_path):
    with pytest.raises(SurveyError, match="does not exist"):
        write_table(tmp_path / "absent" / "out.csv", {"a": np.array([1.0])})


def test_display_value_turns_whole_floats_into_ints():
    assert display_value(np.float64(330502.0)) == 330502
    assert isinstance(display_value(np.float64(330502.0)), int)
    assert display_value(2.5) == 2.5
    assert display_value("城镇") == "城镇"
