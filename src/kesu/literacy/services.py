"""Writes of the survey module: stage an upload, confirm it as a wave with its estimates, recompute,
delete.

An upload is read, scored and checked before anything is kept.  A file that passes is staged
(a compressed copy under MEDIA_ROOT/surveys/staging, no database row) while the statistician maps
the design columns; confirming creates the wave, its stored microdata and all its estimates in
one transaction.  A rejected file or mapping leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import difflib
import json
import re
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from kesu.audit.context import acting_as
from kesu.caching import versions
from kesu.literacy.mapping import (
    MAX_SHOWN_PROBLEMS,
    CheckResult,
    DesignMapping,
    Problems,
    check_mapping,
    compute_estimates,
)
from kesu.literacy.microdata import decode_table, encode_table, sha256_hex
from kesu.literacy.models import LiteracyEstimate, SourceKind, SurveyWave, WaveStatus
from kesu.literacy.permissions import require_upload
from kesu.org.models import Region, User
from kesu.survey import SurveyError
from kesu.survey.columns import ColumnProblem, indicator_column
from kesu.survey.io import Table, read_table
from kesu.survey.scoring import (
    LITERATE_COLUMN,
    Questionnaire,
    bundled_questionnaires,
    load_questionnaire,
    parse_questionnaire,
    score_answers,
)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_CONFIG_BYTES = 1024 * 1024
TABLE_SUFFIXES = (".csv", ".xlsx")
STAGING_FOLDER = Path("surveys") / "staging"
STAGING_MAX_AGE = datetime.timedelta(days=2)
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


class UploadRejected(Exception):
    """The file (or its scoring config) cannot be used; `problems` says why, row by row."""

    def __init__(self, problems: Problems):
        super().__init__("; ".join(problems.messages))
        self.problems = problems


class WaveRejected(Exception):
    """The design mapping does not pass its checks; `check` holds the problems."""

    def __init__(self, check: CheckResult):
        super().__init__("; ".join(check.problems.messages))
        self.check = check


class StagedUploadMissing(Exception):
    """No staged upload with this token for this user and region (expired, confirmed or never made)."""


def _rejected(message: str) -> UploadRejected:
    problems = Problems()
    problems.add(message)
    return UploadRejected(problems)


# --- staging --------------------------------------------------------------------------------------


@dataclass
class StagedUpload:
    token: str
    region_code: str
    user_id: int
    year: int
    name: str
    source_kind: str
    original_filename: str
    row_count: int
    columns: list[str]
    derived_columns: list[str]  # answer items and scores: never guessed as design columns
    questionnaire_name: str = ""
    questionnaire_version: str = ""
    questionnaire_source: str = ""
    questionnaire_config: str = ""
    warnings: list[str] = field(default_factory=list)
    created_at: str = ""


def _staging_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / STAGING_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _staged_paths(token: str) -> tuple[Path, Path]:
    folder = _staging_dir()
    return folder / f"{token}.npz", folder / f"{token}.json"


def _remove_stale_staging(now: datetime.datetime) -> None:
    cutoff = (now - STAGING_MAX_AGE).timestamp()
    for path in _staging_dir().iterdir():
        if path.suffix in (".npz", ".json") and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def load_staged(token: str, region: Region, user: User) -> tuple[StagedUpload, Table]:
    if not _TOKEN.match(token):
        raise StagedUploadMissing(token)
    data_path, meta_path = _staged_paths(token)
    try:
        staged = StagedUpload(**json.loads(meta_path.read_text(encoding="utf-8")))
        data = data_path.read_bytes()
    except (OSError, ValueError, TypeError):
        raise StagedUploadMissing(token) from None
    if staged.user_id != user.pk or staged.region_code != region.code:
        raise StagedUploadMissing(token)
    return staged, decode_table(data, staged.original_filename)


def discard_staged(staged: StagedUpload) -> None:
    for path in _staged_paths(staged.token):
        path.unlink(missing_ok=True)


# --- upload ---------------------------------------------------------------------------------------


def _safe_filename(name: str) -> str:
    name = Path(name.replace("\\", "/")).name.strip() or "upload"
    stem, suffix = Path(name).stem, Path(name).suffix
    return f"{stem[:80]}{suffix[:10]}"


def _read_upload(uploaded_file, filename: str) -> Table:
    suffix = Path(filename).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise _rejected(f"{filename}：不支持的文件类型“{suffix or '无扩展名'}”，请上传 .csv 或 .xlsx 文件")
    if uploaded_file.size == 0:
        raise _rejected(f"{filename}：文件是空的")
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        raise _rejected(f"{filename}：文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    with tempfile.TemporaryDirectory(prefix="kesu-survey-") as folder:
        path = Path(folder) / filename
        with path.open("wb") as stream:
            for chunk in uploaded_file.chunks():
                stream.write(chunk)
        try:
            table = read_table(path)
        except SurveyError as exc:
            # The temporary path means nothing to the user; name the file as they know it.
            raise _rejected("读取文件出错：" + exc.zh.replace(str(path), filename)) from None
    table.source = filename
    if table.n_rows == 0:
        raise _rejected(f"{filename}：只有表头行，没有受访者记录")
    return table


def _questionnaire(questionnaire_name: str, config_file) -> tuple[Questionnaire, str, str]:
    """(questionnaire, where it came from, its YAML text if uploaded)."""
    if config_file is not None:
        source = _safe_filename(config_file.name)
        if config_file.size > MAX_CONFIG_BYTES:
            raise _rejected(f"{source}：评分规则文件过大")
        try:
            text = config_file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _rejected(f"{source}：评分规则文件须为 UTF-8 编码的 YAML") from None
        try:
            return parse_questionnaire(text, source), source, text
        except SurveyError as exc:
            raise _rejected(f"评分规则有误：{exc.zh}") from None
    if questionnaire_name not in bundled_questionnaires():
        raise _rejected("请选择内置的问卷评分规则，或上传评分规则 YAML 文件")
    try:
        return load_questionnaire(questionnaire_name), questionnaire_name, ""
    except SurveyError as exc:
        raise _rejected(f"评分规则有误：{exc.zh}") from None


def _scored_table(table: Table, questionnaire: Questionnaire) -> tuple[Table, list[str], list[str]]:
    try:
        scores = score_answers(table, questionnaire)
    except SurveyError as exc:
        raise _rejected(f"按“{questionnaire.id} {questionnaire.version}”评分失败：{exc.zh}") from None
    notes = []
    replaced = [name for name in scores if name in table]
    if replaced:
        notes.append(f"文件中原有的 {'、'.join(replaced)} 列已被重新评分的结果替换")
    columns = {name: values for name, values in table.items() if name not in scores} | scores
    derived = [item.column for item in questionnaire.items] + list(scores)
    return Table(columns, table.source, table.row_numbers), derived, notes


def _checked_scored_table(table: Table) -> Table:
    if LITERATE_COLUMN not in table:
        close = difflib.get_close_matches(LITERATE_COLUMN, list(table), n=1, cutoff=0.6) or [
            name for name in table if name.strip().lower() == LITERATE_COLUMN
        ]
        hint = f"；是否是“{close[0]}”列？请改名为 {LITERATE_COLUMN}" if close else ""
        raise _rejected(
            f"{table.source}：已评分数据须有 {LITERATE_COLUMN} 列（1 = 具备科学素质，0 = 不具备）{hint}；"
            "如果是原始答卷，请选择“原始答卷”并指定评分规则"
        )
    # Blank values are unscored respondents, left out of the estimate; an all-blank column is refused.
    found: list[ColumnProblem] = []
    values = indicator_column(table, LITERATE_COLUMN, found, missing="drop", rows_per_issue=MAX_SHOWN_PROBLEMS)
    errors = [problem for problem in found if problem.is_error]
    if errors:
        problems = Problems()
        problems.extend(errors)
        raise UploadRejected(problems)
    columns = dict(table)
    columns[LITERATE_COLUMN] = values
    return Table(columns, table.source, table.row_numbers)


def stage_upload(
    *,
    region: Region,
    user: User,
    uploaded_file,
    source_kind: str,
    year: int,
    name: str = "",
    questionnaire_name: str = "",
    config_file=None,
) -> StagedUpload:
    """Read, score (raw answers) or check (scored data) an upload and stage it for mapping."""
    require_upload(user, region)
    filename = _safe_filename(uploaded_file.name)
    notes: list[str] = []
    questionnaire_fields = {}
    if source_kind == SourceKind.ANSWERS:
        # The config is checked first: a broken config is the quicker fix.
        questionnaire, source, text = _questionnaire(questionnaire_name, config_file)
        table = _read_upload(uploaded_file, filename)
        table, derived, notes = _scored_table(table, questionnaire)
        if not questionnaire.applies_to(year):
            notes.append(
                f"评分规则“{questionnaire.id} {questionnaire.version}”的适用年份不包括 {year} 年，请确认规则选择正确"
            )
        questionnaire_fields = {
            "questionnaire_name": questionnaire.id, "questionnaire_version": questionnaire.version,
            "questionnaire_source": source, "questionnaire_config": text,
        }
    elif source_kind == SourceKind.SCORED:
        table = _checked_scored_table(_read_upload(uploaded_file, filename))
        derived = [LITERATE_COLUMN]
    else:
        raise _rejected(f"未知的数据类型“{source_kind}”")

    now = timezone.now()
    staged = StagedUpload(
        token=uuid.uuid4().hex, region_code=region.code, user_id=user.pk, year=year,
        name=name.strip() or f"{year}年{region.name}公民科学素质抽样调查", source_kind=source_kind,
        original_filename=filename, row_count=table.n_rows, columns=list(table), derived_columns=derived,
        warnings=notes, created_at=now.isoformat(), **questionnaire_fields,
    )
    _remove_stale_staging(now)
    data_path, meta_path = _staged_paths(staged.token)
    data_path.write_bytes(encode_table(table))
    meta_path.write_text(json.dumps(dataclasses.asdict(staged), ensure_ascii=False), encoding="utf-8")
    return staged


# --- mapping and confirmation ---------------------------------------------------------------------


def check_staged(staged: StagedUpload, table: Table, mapping: DesignMapping, region: Region) -> CheckResult:
    """The mapping checks, plus a note on region codes that are not this region or one under it."""
    check = check_mapping(table, mapping, exclude=staged.derived_columns)
    if check.prepared is not None and mapping.region:
        codes = {str(value) for value in set(check.prepared.columns[mapping.region].tolist())}
        known = set(
            Region.objects.filter(path__startswith=region.path, code__in=codes).values_list("code", flat=True)
        )
        unknown = sorted(codes - known)
        if unknown:
            shown = "、".join(unknown[:8]) + ("等" if len(unknown) > 8 else "")
            check.warnings.append(
                f"区划列“{mapping.region}”中的 {shown} 不是{region.name}或其下级的区划代码，结果按原值显示"
            )
    return check


def _estimate_rows(wave: SurveyWave, computed) -> list[LiteracyEstimate]:
    return [
        LiteracyEstimate(
            wave=wave, dimension=row.dimension, domain=row.domain, domain_key=row.domain_key,
            ci_method=row.ci_method, ci_level=row.ci_level, estimate=row.estimate, se=row.se,
            ci_low=row.ci_low, ci_high=row.ci_high, deff=row.deff, n=row.n, order=row.order,
        )
        for row in computed
    ]


def confirm_wave(
    staged: StagedUpload, table: Table, mapping: DesignMapping, region: Region, user: User
) -> SurveyWave:
    """Create the wave, store its microdata and every estimate; an active wave of the same year is
    superseded.  Raises WaveRejected (nothing stored) when the mapping fails its checks."""
    require_upload(user, region)
    check = check_staged(staged, table, mapping, region)
    if not check.ok:
        raise WaveRejected(check)
    computed, _ = compute_estimates(check.prepared)
    data = encode_table(table)
    wave = SurveyWave(
        region=region, year=staged.year, name=staged.name, source_kind=staged.source_kind,
        questionnaire_name=staged.questionnaire_name, questionnaire_version=staged.questionnaire_version,
        questionnaire_source=staged.questionnaire_source, questionnaire_config=staged.questionnaire_config,
        original_filename=staged.original_filename, uploaded_by=user, uploaded_at=timezone.now(),
        row_count=table.n_rows, weight_column=mapping.weight, strata_column=mapping.strata,
        psu_column=mapping.psu, fpc_column=mapping.fpc, lonely_psu=mapping.lonely_psu,
        region_column=mapping.region, group_columns=list(mapping.groups), data_sha256=sha256_hex(data),
        estimated_at=timezone.now(),
    )
    wave.data_file.save(f"{uuid.uuid4().hex}.npz", ContentFile(data), save=False)
    try:
        with transaction.atomic(), acting_as(user, reason="上传抽样调查数据"):
            for previous in SurveyWave.objects.select_for_update().filter(
                region=region, year=staged.year, status=WaveStatus.ACTIVE
            ):
                previous.status = WaveStatus.SUPERSEDED
                previous.save(update_fields=["status"])
            wave.save()
            LiteracyEstimate.objects.bulk_create(_estimate_rows(wave, computed))
            versions.bump(versions.SURVEYS)
    except BaseException:
        wave.data_file.delete(save=False)
        raise
    discard_staged(staged)
    return wave


def wave_mapping(wave: SurveyWave) -> DesignMapping:
    return DesignMapping(
        weight=wave.weight_column, strata=wave.strata_column, psu=wave.psu_column, fpc=wave.fpc_column,
        lonely_psu=wave.lonely_psu, region=wave.region_column, groups=tuple(wave.group_columns),
    )


def load_wave_table(wave: SurveyWave) -> Table:
    """The wave's stored microdata, after checking that they are the bytes that were confirmed."""
    try:
        with wave.data_file.open("rb") as stream:
            data = stream.read()
    except (OSError, ValueError) as exc:
        raise SurveyError(f"{wave.original_filename}：保存的调查数据文件缺失（{exc}）",
                          f"{wave.original_filename}: the stored survey data are missing ({exc})") from None
    if sha256_hex(data) != wave.data_sha256:
        raise SurveyError(
            f"{wave.original_filename}：保存的调查数据与其 SHA-256 校验值不符，文件在上传后被改动过",
            f"{wave.original_filename}: the stored survey data do not match their SHA-256; "
            "the file was changed after upload",
        )
    return decode_table(data, wave.original_filename)


def recompute_estimates(wave: SurveyWave, user: User) -> SurveyWave:
    """Recompute every estimate of the wave from its stored microdata (audited as a wave update)."""
    require_upload(user, wave.region)
    table = load_wave_table(wave)
    check = check_mapping(table, wave_mapping(wave))
    if not check.ok:
        raise WaveRejected(check)
    computed, _ = compute_estimates(check.prepared, level=wave.ci_level)
    with transaction.atomic(), acting_as(user, reason="重新计算科学素质比例估计"):
        wave.estimates.all().delete()
        LiteracyEstimate.objects.bulk_create(_estimate_rows(wave, computed))
        versions.bump(versions.SURVEYS)
        wave.estimated_at = timezone.now()
        wave.save(update_fields=["estimated_at"])
    return wave


def delete_wave(wave: SurveyWave, user: User) -> None:
    """Delete a wave, its estimates and its stored file; deleting the active wave of a year brings
    back the latest wave it had replaced."""
    require_upload(user, wave.region)
    stored_name = wave.data_file.name
    with transaction.atomic(), acting_as(user, reason="删除抽样调查数据"):
        was_active = wave.status == WaveStatus.ACTIVE
        region_id, year = wave.region_id, wave.year
        wave.delete()
        if was_active:
            previous = (
                SurveyWave.objects.filter(region_id=region_id, year=year, status=WaveStatus.SUPERSEDED)
                .order_by("-uploaded_at").first()
            )
            if previous is not None:
                previous.status = WaveStatus.ACTIVE
                previous.save(update_fields=["status"])

        def remove_file() -> None:
            from django.core.files.storage import default_storage

            with contextlib.suppress(OSError):
                default_storage.delete(stored_name)

        transaction.on_commit(remove_file)
