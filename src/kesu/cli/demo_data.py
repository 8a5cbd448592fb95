"""The parts of `kesu demo` that fill the capacity indicators and the survey pages.

Everything goes through the modules' services (validation, permissions and the audit log apply) and
is invented: indicator values follow per-capita rates that grow a few per cent a year; survey waves
come from kesu.survey.synthetic with literacy rates around the plans' baselines (10–16 %), rising.
Each step checks what is already there, so an older demo database is completed on the next run.
The indicator and survey models have no is_demo flag: the data are recognisable by their regions
(is_demo) and, for waves, by the name “演示数据”.
"""

from __future__ import annotations

import hashlib

INDICATOR_YEARS = (2021, 2022, 2023, 2024)
SURVEY_YEARS = (2022, 2023, 2024)
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


def _share(*parts) -> float:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _indicator_figures(code: str, year: int) -> dict[str, float | dict[str, float]]:
    """All element values of a region-year; categorised elements give {option code: value}."""
    population0 = POPULATION.get(code) or 300_000 + int(_share(code, "pop") * 700_000)
    step = year - INDICATOR_YEARS[0]
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
    """Enter 2021–2024 values for each demo plan's region as its office (the elements its
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
            for year in INDICATOR_YEARS:
                writes = []
                for code, figure in _indicator_figures(region.code, year).items():
                    element = elements[code]
                    if element.feed is not None:
                        continue  # counted from its registry (kesu.indicators.feeds), never typed
                    if isinstance(figure, dict):
                        options = {o.code: o for o in element.category.options.all()}
                        writes += [services.CellWrite(element, options[o], region, None, float(v))
                                   for o, v in figure.items()]
                    else:
                        writes.append(services.CellWrite(element, None, region, None, float(figure)))
                counts["values"] += services.write_values(actor=office, writes=writes, year=year)
            # Earlier years are reported; the latest stays a draft the office is still filling in.
            for year in INDICATOR_YEARS[:-1]:
                services.submit(actor=office, data_set=data_set, region=region, year=year)
                counts["submitted"] += 1
        reviewer = offices.get(region.parent_id)
        if reviewer is not None:
            with acting_as(reviewer, reason="kesu demo：审核下级统计数据"):
                for submission in Submission.objects.filter(region=region, year__in=INDICATOR_YEARS[:-2]):
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


def _areas(region) -> dict[str, str]:
    """The region and the regions under it in the database: the wave's region column."""
    from kesu.org.models import Region

    areas = {region.code: region.name}
    areas |= dict(Region.objects.filter(parent=region).order_by("code").values_list("code", "name"))
    return areas


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
        strata = demo_strata(areas, seed=region.code)
        start = 0.105 + 0.03 * _share(region.code, "literacy")  # 10.5–13.5 % in the first wave
        for index, year in enumerate(SURVEY_YEARS):
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
