"""The parts of `kesu demo` that fill the capacity indicators and the survey pages.

Everything goes through the modules' services (validation, permissions and the audit log apply) and
is invented: indicator values follow per-capita rates that grow a few per cent a year; survey waves
come from kesu.survey.synthetic with literacy rates around the plans' baselines (10–16 %), rising.
Each step checks what is already there, so an older demo database is completed on the next run.
The indicator and survey models have no is_demo flag: the data are recognisable by their regions
(is_demo) and, for waves, by the name “演示数据”.
"""

from __future__ import annotations

import datetime
import hashlib

# Statistics and surveys run through the last full year before the demo is built (2021—2025 when it
# is built in 2026): the 2021—2025 plans' final evaluations have their last year.
FIRST_INDICATOR_YEAR = 2021
FIRST_SURVEY_YEAR = 2022
TOWNSHIP_YEARS = 2  # townships report the latest two years
SURVEY_RESPONDENTS = 3000
DEMO_WAVE_MARK = "（演示数据）"
LINKS_PER_PLAN = 4

# Invented but plausible year-end resident populations of the demo regions (2021).
POPULATION = {"371083": 545_000, "430503": 415_000, "371000": 2_910_000, "320300": 9_030_000, "370105": 705_000}

# Per 10,000 residents in 2021 (counts and amounts), or a multiple of another element.
_PER_10K = {
    "registered_volunteers": 45, "science_tutor_training": 3.0, "outreach_galleries": 5.0,
    "books_titles": 0.05, "periodicals": 0.004, "websites": 0.04, "social_accounts": 0.2,
    "lectures": 9.0, "exhibitions": 2.0, "competitions": 0.5, "science_week_events": 1.0,
    "international_exchanges": 0.005,
}
_PER_EVENT = {  # element: (events element, people per event)
    "lecture_attendance": ("lectures", 85), "exhibition_visitors": ("exhibitions", 420),
    "competition_participants": ("competitions", 160), "science_week_participants": ("science_week_events", 300),
    "international_exchange_participants": ("international_exchanges", 18), "books_copies": ("books_titles", 3000),
}


def indicator_years(today: datetime.date | None = None) -> tuple[int, ...]:
    today = today or _today()
    return tuple(range(FIRST_INDICATOR_YEAR, max(today.year, FIRST_INDICATOR_YEAR + 2)))


def survey_years(today: datetime.date | None = None) -> tuple[int, ...]:
    today = today or _today()
    return tuple(range(FIRST_SURVEY_YEAR, max(today.year, FIRST_SURVEY_YEAR + 2)))


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def _share(*parts) -> float:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _indicator_figures(code: str, year: int, *, township: bool = False) -> dict[str, float | dict[str, float]]:
    """All element values of a region-year; categorised elements give {option code: value}. A township
    has some 20,000–80,000 residents."""
    population0 = POPULATION.get(code) or (
        20_000 + int(_share(code, "pop") * 60_000) if township else 300_000 + int(_share(code, "pop") * 700_000))
    step = year - FIRST_INDICATOR_YEAR
    population = population0 * (1 + (0.004 - 0.006 * _share(code, "pop-trend"))) ** step
    growth = (1 + 0.05 + 0.05 * _share(code, "growth")) ** step

    def noisy(value: float, key: str) -> float:
        return value * (0.95 + 0.1 * _share(code, key, year))

    k = population / 10_000
    figures: dict[str, float | dict[str, float]] = {"resident_population": round(population)}
    for element, rate in _PER_10K.items():
        figures[element] = max(1, round(noisy(rate * k * growth, element)))
    for element, (events, per_event) in _PER_EVENT.items():
        figures[element] = round(noisy(figures[events] * per_event, element))
    full_time = round(noisy(1.6 * k * growth, "full"))
    figures["outreach_staff"] = {"full_time": full_time, "part_time": round(noisy(11 * k * growth, "part"))}
    figures["outreach_writers"] = max(1, round(full_time * 0.12))
    museums = max(1, round(population0 / 1_500_000))
    figures["science_museums"] = museums
    figures["science_museum_area"] = round(noisy(55 * k, "sm-area") * (1.1 if step >= 2 else 1.0))
    figures["st_museums"] = max(1, round(population0 / 1_000_000))
    figures["st_museum_area"] = round(noisy(35 * k, "st-area") * (1 + 0.04 * step))
    figures["youth_centres"] = max(1, round(population0 / 800_000))
    figures["outreach_bases"] = {
        "national": round(population0 / 3_000_000), "provincial": round(population0 / 500_000) + 1 + step // 2,
        "municipal": round(population0 / 100_000) + 2 + step,
    }
    raised = noisy(6.5 * k * growth, "funding")  # 万元: about 6.5 元 per resident
    figures["funding_raised"] = round(raised, 1)
    figures["government_funding"] = round(raised * 0.74, 1)
    figures["special_funding"] = round(raised * 0.74 * 0.6, 1)
    figures["activity_reached_residents"] = round(population * min(0.9, 0.32 + 0.04 * step + 0.05 * _share(code)))
    return figures


def seed_indicator_set() -> None:
    """The national set first: the registries (kesu.cli.demo_resources) feed its data elements."""
    from kesu.audit.context import acting_as
    from kesu.indicators import services

    with acting_as(None, reason="kesu demo：载入全国科普统计指标集"):
        services.seed_national_set(actor=None)


def demo_indicators(plans, console) -> dict[str, int]:
    """Enter values from 2021 to the last full year for each demo plan's region (and its townships'
    latest years) as its office (the elements its
    registries feed are already counted), submit the earlier years (the city office accepts its
    county's), and confirm a few suggested target → indicator links per plan. The national set is
    loaded by `seed_indicator_set`."""
    from kesu.audit.context import acting_as
    from kesu.indicators import services, targets
    from kesu.indicators.models import (
        DataElement,
        DataSet,
        DataValue,
        LinkStatus,
        Submission,
        TargetLink,
        ValueSource,
    )

    years = indicator_years()
    counts = {"values": 0, "submitted": 0, "accepted": 0, "links": 0}
    elements = {e.code: e for e in DataElement.objects.select_related("category").prefetch_related("category__options")}
    data_set = DataSet.objects.get(code="annual_statistics")
    offices = {plan.region.pk: office for plan, office in plans}
    for plan, office in plans:
        region = plan.region
        # Values counted from the registries are there already; typed ones mark a region done.
        if DataValue.objects.filter(region=region).exclude(source=ValueSource.REGISTRY).exists():
            continue
        with acting_as(office, reason="kesu demo：示例统计数据"):
            for year in years:
                writes = _writes(elements, region, _indicator_figures(region.code, year))
                counts["values"] += services.write_values(actor=office, writes=writes, year=year)
            # The county's townships (乡镇/街道) report their latest years to it.
            for township in region.children.filter(level="township").order_by("code"):
                for year in years[-TOWNSHIP_YEARS:]:
                    writes = _writes(elements, township, _indicator_figures(township.code, year, township=True))
                    counts["values"] += services.write_values(actor=office, writes=writes, year=year)
            # Earlier years are reported; the latest stays a draft the office is still filling in.
            for year in years[:-1]:
                # Before 报送 every blank cell must say why (the demo figures leave some cells empty).
                services.explain_remaining_blanks(actor=office, data_set=data_set, region=region, year=year,
                                                  kind="unavailable")
                services.submit(actor=office, data_set=data_set, region=region, year=year)
                counts["submitted"] += 1
        reviewer = offices.get(region.parent_id)
        if reviewer is not None:
            with acting_as(reviewer, reason="kesu demo：审核下级统计数据"):
                for submission in Submission.objects.filter(region=region, year__in=years[:-2]):
                    services.accept_submission(actor=reviewer, submission=submission)
                    counts["accepted"] += 1

    for plan, office in plans:
        if TargetLink.objects.filter(target__task__plan=plan).exists():
            continue
        with acting_as(office, reason="kesu demo：确认目标与指标的对应"):
            suggested = sorted(targets.suggest_links(plan), key=lambda link: -link.score)
            for link in suggested[:LINKS_PER_PLAN]:
                targets.decide_link(office, link.target, link.indicator, confirm=True)
        counts["links"] += TargetLink.objects.filter(target__task__plan=plan, status=LinkStatus.CONFIRMED).count()
    return counts


def _writes(elements, region, figures) -> list:
    """The typed cells of one region-year (elements counted from a registry are never typed)."""
    from kesu.indicators import services

    writes = []
    for code, figure in figures.items():
        element = elements[code]
        if element.feed is not None:
            continue  # counted from its registry (kesu.indicators.feeds)
        if isinstance(figure, dict):
            options = {o.code: o for o in element.category.options.all()}
            writes += [services.CellWrite(element, options[o], region, None, float(v)) for o, v in figure.items()]
        else:
            writes.append(services.CellWrite(element, None, region, None, float(figure)))
    return writes


def _areas(region) -> dict[str, str]:
    """The wave's region column: a county's townships (乡镇/街道) when it has them; else the region
    itself and the regions under it in the database (a city's counties, the rest under its own code)."""
    from kesu.org.models import Region

    below = dict(Region.objects.filter(parent=region).order_by("code").values_list("code", "name"))
    townships = dict(Region.objects.filter(parent=region, level="township").values_list("code", "name"))
    if len(townships) > 1 and townships.keys() == below.keys():
        return below
    return {region.code: region.name} | below


def _calibrated_wave(respondents, seed, strata, target, questionnaire):
    """A synthetic wave whose weighted literacy rate is close to `target`: drawn once, then again
    (same seed) with the ability shifted by what the first draw missed."""
    import numpy as np

    from kesu.survey.scoring import score_answers
    from kesu.survey.synthetic import make_wave

    shift = -0.68 + (target - 0.11) / 0.18  # about 18 percentage points per unit of ability
    columns = make_wave(respondents, seed, questionnaire, strata_population=strata, ability_shift=shift, steady=True)
    literate = np.asarray(score_answers(columns, questionnaire)["literate"], dtype=float)
    weights = columns["weight"].astype(float)
    rate = float((literate * weights).sum() / weights.sum())
    shift += (target - rate) / 0.18
    return make_wave(respondents, seed, questionnaire, strata_population=strata, ability_shift=shift, steady=True)


def demo_surveys(plans, console, *, respondents: int = SURVEY_RESPONDENTS) -> dict[str, int]:
    """Upload and confirm a synthetic wave per demo region and survey year as the region's office,
    through the same staging → mapping → confirm services as the web page."""
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kesu.literacy import services
    from kesu.literacy.mapping import DesignMapping
    from kesu.literacy.models import SurveyWave
    from kesu.survey.scoring import load_questionnaire
    from kesu.survey.synthetic import QUESTIONNAIRE, demo_strata

    counts = {"waves": 0, "respondents": 0}
    questionnaire = load_questionnaire(QUESTIONNAIRE)
    for plan, office in plans:
        region = plan.region
        if SurveyWave.objects.filter(region=region).exists():
            continue
        areas = _areas(region)
        if len(areas) > 1:
            strata = demo_strata(areas, seed=region.code)
        else:
            # No areas below it in the database: the survey still samples several 片区 (no domains),
            # or two strata of four PSUs would give a confidence interval wider than the trend.
            strata = demo_strata({f"{region.code}-{i}": "" for i in range(1, 7)}, seed=region.code)
            strata = {key: round(size / 6, -2) for key, size in strata.items()}
        if region.code not in areas:  # townships: tens of thousands of adults each, not hundreds
            strata = {key: round(size * 0.08, -2) for key, size in strata.items()}
        start = 0.105 + 0.03 * _share(region.code, "literacy")  # 10.5–13.5 % in the first wave
        for index, year in enumerate(survey_years()):
            target = start + (0.017 + 0.006 * _share(region.code, year)) * index
            columns = _calibrated_wave(respondents, int(region.code) + year, strata, target, questionnaire)
            stream = io.StringIO()
            writer = csv.writer(stream)
            writer.writerow(list(columns))
            for row in zip(*columns.values(), strict=True):
                writer.writerow([int(v) if isinstance(v, float) and v.is_integer() else v for v in row])
            upload = SimpleUploadedFile(f"demo-survey-{region.code}-{year}.csv", stream.getvalue().encode("utf-8"))
            staged = services.stage_upload(
                region=region, user=office, uploaded_file=upload, source_kind="answers", year=year,
                name=f"{year}年{region.name}公民科学素质抽样调查{DEMO_WAVE_MARK}", questionnaire_name=QUESTIONNAIRE,
            )
            staged, table = services.load_staged(staged.token, region, office)
            mapping = DesignMapping(
                weight="weight", strata="stratum", psu="psu", fpc="psu_population", lonely_psu="fail",
                region="region" if len(areas) > 1 else "", groups=("urban", "sex", "age_group", "education"),
            )
            services.confirm_wave(staged, table, mapping, region, office)
            counts["waves"] += 1
            counts["respondents"] += table.n_rows
    return counts
