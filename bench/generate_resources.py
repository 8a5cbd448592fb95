"""Synthetic national-scale 科普资源 registries for load tests: 31 provinces, 341 cities and 3,000
counties at --scale 1, each county with 50 outreach bases (150,000, with their recognitions,
applications and annual reports), 300 activities per county and per city (~1,000,000 in all, over
five years), and experts, volunteer teams, volunteers with service records, messengers and
organisations in proportion; one office admin per province, city and county.

    KESU_DATABASE_URL=postgresql://… .venv/bin/python bench/generate_resources.py --scale 0.1

Rows are written with COPY (PostgreSQL) or bulk_create, in batches of counties, through
generate_national's TableWriter; they bypass services, audit and feeds on purpose: this is load,
not history. Deterministic for a given --seed.
"""

from __future__ import annotations

import argparse
import datetime
import math
import random
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from generate_national import BENCH_PASSWORD, Counts, Ids, TableWriter  # noqa: E402

PROVINCES = 31
CITIES_AT_SCALE_1 = 341  # 11 per province
COUNTIES_AT_SCALE_1 = 3000
BASES_PER_COUNTY = 50
ACTIVITIES_PER_REGION = 300  # per county and per city
EXPERTS = {"province": 30, "city": 20, "county": 10}
ORGANISATIONS = {"province": 10, "city": 5, "county": 3}
TEAMS_PER_COUNTY = 5
VOLUNTEERS_PER_COUNTY = 100
MESSENGERS_PER_COUNTY = 20
UNIT_NAMES = ("科协", "教育和体育局", "科技局", "农业农村局", "卫生健康局")
ACTIVITY_YEARS = 5  # the current year and the four before it
BASE_THEMES = ("科技馆", "青少年科技活动中心", "农业科技示范园", "气象科普馆", "地震科普馆", "自然博物馆",
               "植物园", "中医药文化馆", "消防科普教育馆", "科普e站")


def regions_at(scale: float) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """(province, city) codes of the cities, and (province, city, county) codes of the counties,
    dealt to the cities in turn so that every city has 8–9 counties at any scale."""
    n_counties = max(1, round(COUNTIES_AT_SCALE_1 * scale))
    n_cities = max(1, min(round(CITIES_AT_SCALE_1 * scale), n_counties))
    per_province = math.ceil(CITIES_AT_SCALE_1 / PROVINCES)
    cities = []
    for index in range(n_cities):
        province = f"{11 + index // per_province:02d}0000"
        cities.append((province, f"{province[:2]}{index % per_province + 1:02d}00"))
    counties = []
    for index in range(n_counties):
        province, city = cities[index % n_cities]
        counties.append((province, city, f"{city[:4]}{index // n_cities + 1:02d}"))
    counties.sort(key=lambda codes: codes[2])
    return cities, counties


def generate(scale: float = 1.0, seed: int = 20261205, batch_counties: int = 60, progress: bool = True) -> Counts:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from kesu.org.models import Region, RegionLevel, Role, Unit, User
    from kesu.resources.models import (
        Activity,
        ActivityKind,
        ApplicationStatus,
        Audience,
        BaseAnnualReport,
        BaseApplication,
        BaseCategory,
        BaseLevel,
        BaseStatus,
        Expert,
        ExpertiseTag,
        Messenger,
        Organisation,
        OrganisationKind,
        OutreachBase,
        ServiceRecord,
        TeamKind,
        Volunteer,
        VolunteerTeam,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    this_year = datetime.date.today().year
    now = datetime.datetime.now(datetime.UTC)
    use_copy = connection.vendor == "postgresql"
    models = (Region, Unit, User, OutreachBase, BaseApplication, BaseAnnualReport, Expert, Expert.tags.through,
              VolunteerTeam, Volunteer, ServiceRecord, Messenger, Organisation, Activity, Activity.bases.through,
              Activity.teams.through)
    writers = {model: TableWriter(model, use_copy) for model in models}
    ids = Ids(models)
    counts = Counts()
    password_hash = make_password(BENCH_PASSWORD)
    tag_ids = list(ExpertiseTag.objects.values_list("pk", flat=True))
    activity_kinds = [k.value for k in ActivityKind]
    kind_labels = dict(ActivityKind.choices)
    audiences = [a.value for a in Audience]
    categories = [c.value for c in BaseCategory]
    region_ids: dict[str, int] = {}
    region_paths: dict[str, str] = {}
    region_names: dict[str, str] = {}
    cities, counties = regions_at(scale)
    city_units: dict[str, list[int]] = {}

    def region(rows, code, name, level, parent):
        region_ids[code] = ids.take(Region)
        region_paths[code] = (region_paths[parent] if parent else "/") + f"{code}/"
        region_names[code] = name
        rows[Region].append({"id": region_ids[code], "code": code, "name": name, "level": level,
                             "parent_id": region_ids.get(parent), "path": region_paths[code], "is_demo": True})
        rows[User].append({"id": ids.take(User), "username": f"office_{code}", "password": password_hash,
                           "role": Role.OFFICE_ADMIN, "region_id": region_ids[code], "display_name": f"{name}纲要办",
                           "is_active": True, "date_joined": now})
        units = []
        for position, unit_name in enumerate(UNIT_NAMES):
            units.append(ids.take(Unit))
            rows[Unit].append({"id": units[-1], "region_id": region_ids[code], "name": f"{name}{unit_name}",
                               "is_office": position == 0, "is_demo": True})
        return units

    def people(rows, code, level, units, with_activities=True):
        rid = region_ids[code]
        name = region_names[code]
        for n in range(EXPERTS[level]):
            expert_id = ids.take(Expert)
            rows[Expert].append({
                "id": expert_id, "name": f"{name}专家{n + 1:03d}", "region_id": rid, "field": "科学普及",
                "title": rng.choice(("教授", "研究员", "副教授", "高级工程师", "主任医师")),
                "organisation": f"{name}科学技术协会", "availability": rng.choice(("available", "available", "limited")),
                "is_lecturer": rng.random() < 0.4, "is_emergency": rng.random() < 0.2,
                "phone": f"139{rng.randrange(10**8):08d}", "id_number": "", "is_active": rng.random() < 0.95,
                "is_demo": True,
            })
            for tag in rng.sample(tag_ids, rng.randint(1, 3)):
                rows[Expert.tags.through].append({"id": ids.take(Expert.tags.through), "expert_id": expert_id,
                                                  "expertisetag_id": tag})
        for n in range(ORGANISATIONS[level]):
            rows[Organisation].append({
                "id": ids.take(Organisation), "name": f"{name}{('科普协会', '农村专业技术协会', '学会')[n % 3]}{n + 1}",
                "kind": rng.choice([k.value for k in OrganisationKind]), "region_id": rid,
                "members": rng.randint(20, 2000), "is_active": True, "is_demo": True,
            })
        if with_activities and level != "province":
            activities(rows, code, units, [])

    def activities(rows, code, units, base_ids, team_ids=()):
        rid = region_ids[code]
        for n in range(ACTIVITIES_PER_REGION):
            year = this_year - n % ACTIVITY_YEARS
            start = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
            kind = rng.choice(activity_kinds)
            activity_id = ids.take(Activity)
            own = rng.random() < 0.7
            rows[Activity].append({
                "id": activity_id, "name": f"{region_names[code]}{year}年{kind_labels[kind]}{n + 1:03d}",
                "kind": kind, "organiser_id": rng.choice(units) if own else None,
                "organiser_name": "" if own else "社会组织", "region_id": rid, "start_date": start,
                "end_date": start + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2))), "year": year,
                "place": "", "audiences": ",".join(rng.sample(audiences, rng.randint(1, 2))),
                "participants": rng.randint(20, 3000), "online_reach": rng.choice((0, 0, rng.randint(100, 50000))),
                "is_demo": True,
            })
            if base_ids and rng.random() < 0.2:
                rows[Activity.bases.through].append({"id": ids.take(Activity.bases.through),
                                                     "activity_id": activity_id, "outreachbase_id": rng.choice(base_ids)})
            if team_ids and rng.random() < 0.1:
                rows[Activity.teams.through].append({"id": ids.take(Activity.teams.through),
                                                     "activity_id": activity_id, "volunteerteam_id": rng.choice(team_ids)})

    def application(rows, base_id, level, year, status, recorded=True):
        decided = status in (ApplicationStatus.RECOGNISED, ApplicationStatus.DECLINED)
        rows[BaseApplication].append({
            "id": ids.take(BaseApplication), "base_id": base_id, "level": level, "year": year, "status": status,
            "applied_at": now, "decided_at": now if decided else None, "recorded": recorded and decided,
            "plaque_number": f"KP{year}{base_id:06d}" if status == ApplicationStatus.RECOGNISED else "",
        })

    def bases(rows, code, units):
        rid = region_ids[code]
        base_ids = []
        levels = [level.value for level in BaseLevel]
        for n in range(BASES_PER_COUNTY):
            base_id = ids.take(OutreachBase)
            base_ids.append(base_id)
            draw = rng.random()
            status = (BaseStatus.CANDIDATE if draw < 0.25 else BaseStatus.RECTIFYING if draw < 0.30
                      else BaseStatus.REVOKED if draw < 0.40 else BaseStatus.RECOGNISED)
            row = {
                "id": base_id, "name": f"{region_names[code]}{BASE_THEMES[n % len(BASE_THEMES)]}{n + 1:02d}",
                "category": rng.choice(categories), "host_organisation": f"{region_names[code]}{UNIT_NAMES[n % 5]}",
                "address": f"{region_names[code]}人民路{n + 1}号", "region_id": rid,
                "exhibition_area": float(rng.randint(200, 20000)), "annual_visitors": rng.randint(1000, 500000),
                "open_days": rng.randint(100, 330), "staff": rng.randint(2, 60), "guides": rng.randint(0, 20),
                "contact_name": "联系人", "contact_phone": f"0{rng.randrange(10**10):010d}",
                "applicant_unit_id": rng.choice(units), "status": status, "is_demo": True,
            }
            if status == BaseStatus.CANDIDATE:
                application(rows, base_id, BaseLevel.COUNTY, this_year,
                            rng.choice((ApplicationStatus.APPLIED, ApplicationStatus.SCREENED,
                                        ApplicationStatus.UNDER_REVIEW, ApplicationStatus.RETURNED)))
            else:
                level = rng.choices(levels, weights=(50, 30, 15, 5))[0]
                recognised = rng.randint(this_year - 10, this_year - (1 if status == BaseStatus.REVOKED else 0))
                if level != BaseLevel.COUNTY and rng.random() < 0.5:  # an upgrade: first recognised lower
                    application(rows, base_id, levels[levels.index(level) - 1], recognised - rng.randint(2, 4),
                                ApplicationStatus.RECOGNISED)
                if rng.random() < 0.05:
                    application(rows, base_id, level, recognised - 1, ApplicationStatus.DECLINED)
                application(rows, base_id, level, recognised, ApplicationStatus.RECOGNISED)
                row.update(level=level, recognised_year=recognised, valid_until=recognised + 5,
                           next_re_examination_year=recognised + 3, plaque_number=f"KP{recognised}{base_id:06d}")
                if status == BaseStatus.REVOKED:
                    row["revoked_year"] = rng.randint(recognised + 1, this_year)
                elif status == BaseStatus.RECTIFYING:
                    row["rectify_by"] = datetime.date(this_year + 1, 6, 30)
                # Two past years' reports, and this year's from half of them (filed early).
                last = this_year if rng.random() < 0.5 else this_year - 1
                for year in range(max(recognised, this_year - 2), min(last, row.get("revoked_year", last + 1) - 1) + 1):
                    rows[BaseAnnualReport].append({
                        "id": ids.take(BaseAnnualReport), "base_id": base_id, "year": year,
                        "visitors": rng.randint(1000, 500000), "activities": rng.randint(5, 300),
                        "open_days": rng.randint(100, 330), "submitted_at": now,
                    })
            rows[OutreachBase].append(row)
        return base_ids

    def volunteers(rows, code):
        rid = region_ids[code]
        name = region_names[code]
        team_ids = []
        for n in range(TEAMS_PER_COUNTY):
            team_ids.append(ids.take(VolunteerTeam))
            rows[VolunteerTeam].append({
                "id": team_ids[-1], "name": f"{name}{('科技', '银龄', '青年', '应急', '巾帼')[n]}志愿服务队",
                "kind": (TeamKind.SCIENCE, TeamKind.SENIOR, TeamKind.YOUTH, TeamKind.EMERGENCY, TeamKind.OTHER)[n],
                "region_id": rid, "host_organisation": f"{name}科协", "leader_name": "队长",
                "leader_phone": f"138{rng.randrange(10**8):08d}", "founded_year": rng.randint(2012, this_year),
                "is_active": True, "is_demo": True,
            })
        for n in range(VOLUNTEERS_PER_COUNTY):
            volunteer_id = ids.take(Volunteer)
            rows[Volunteer].append({
                "id": volunteer_id, "name": f"{name}志愿者{n + 1:04d}", "region_id": rid,
                "team_id": rng.choice(team_ids) if rng.random() < 0.8 else None, "skills": "科普讲解",
                "is_senior": rng.random() < 0.2,
                "registered_on": datetime.date(2016, 1, 1) + datetime.timedelta(days=rng.randrange(365 * (this_year - 2016))),
                "phone": f"137{rng.randrange(10**8):08d}", "id_number": "", "is_active": rng.random() < 0.95,
                "is_demo": True,
            })
            for _ in range(rng.choice((0, 1, 1, 2))):
                rows[ServiceRecord].append({
                    "id": ids.take(ServiceRecord), "volunteer_id": volunteer_id,
                    "date": datetime.date(this_year - rng.randint(0, 1), 1, 1) + datetime.timedelta(days=rng.randrange(330)),
                    "description": "科普志愿服务", "hours": rng.choice((1.0, 2.0, 2.5, 4.0)), "beneficiaries": rng.randint(0, 200),
                })
        for n in range(MESSENGERS_PER_COUNTY):
            rows[Messenger].append({
                "id": ids.take(Messenger), "name": f"{name}信息员{n + 1:03d}", "region_id": rid,
                "community": f"第{n % 10 + 1}村", "phone": f"136{rng.randrange(10**8):08d}", "id_number": "",
                "since": datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(365 * (this_year - 2018))),
                "is_active": True, "is_demo": True,
            })
        return team_ids

    def flush(rows):
        with transaction.atomic():
            for model in models:
                writers[model].write(connection, rows[model])
                counts.add(model._meta.db_table, len(rows[model]))

    # Provinces and cities first (their own experts, organisations and, for cities, activities).
    rows = {model: [] for model in models}
    for province, city in cities:
        if province not in region_ids:
            units = region(rows, province, f"第{province[:2]}省", RegionLevel.PROVINCE, None)
            people(rows, province, "province", units)
        city_units[city] = region(rows, city, f"{province[:2]}省第{city[2:4]}市", RegionLevel.CITY, province)
        people(rows, city, "city", city_units[city])
    flush(rows)
    for start in range(0, len(counties), batch_counties):
        rows = {model: [] for model in models}
        for _, city, county in counties[start:start + batch_counties]:
            units = region(rows, county, f"{city[:2]}省{city[2:4]}市第{county[4:]}县", RegionLevel.COUNTY, city)
            base_ids = bases(rows, county, units)
            team_ids = volunteers(rows, county)
            people(rows, county, "county", units, with_activities=False)
            activities(rows, county, units, base_ids, team_ids)
        flush(rows)
        if progress:
            print(f"  {min(start + batch_counties, len(counties)):,}/{len(counties):,} counties", file=sys.stderr,
                  flush=True)
    if use_copy:
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))", [table])
            # As in generate_national: without it autovacuum starts on the big tables mid-measurement.
            cursor.execute("VACUUM ANALYZE")
    counts.seconds = time.perf_counter() - started
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 3,000 counties, 150,000 bases, ~1,000,000 activities")
    parser.add_argument("--seed", type=int, default=20261205)
    args = parser.parse_args(argv)
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.web.settings")
    django.setup()
    counts = generate(scale=args.scale, seed=args.seed)
    for table, number in counts.rows.items():
        print(f"{table:36s} {number:>10,d}")
    print(f"generated in {counts.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
