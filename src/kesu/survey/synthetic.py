"""A synthetic wave of the civic science-literacy survey, for tests, demos and the web page.

Every value is invented.  The structure follows a typical city survey: the county-level regions
of one prefecture, each split into 城镇/乡村 strata; within each stratum a few communities or
villages are drawn as PSUs and adults 18–69 interviewed in each; the design weight is the stratum
population over its sample size, adjusted by a random non-response factor.  Answers to the example
questionnaire (src/kesu/survey/data/example-total-score.yaml) come from a latent ability that
rises with education, falls with age, is higher in towns and varies between PSUs, and are written
in the untidy ways real data-entry produces (lower case, full-width letters, "C、A", blanks).

The defaults reproduce the 湖州市 wave the tests use; `areas`/`strata_population` give another
region's wave (the demo builds one per demo region with `demo_strata`), `ability_shift` moves the
literacy rate up or down (about +0.1 ≈ +1.5 percentage points around 10–20%).

    python -m kesu.survey.synthetic -o wave.csv --margins margins.csv --n 1200 --seed 2024
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from pathlib import Path

import numpy as np

from kesu.survey.scoring import Questionnaire, load_questionnaire

REGIONS = {330502: "吴兴区", 330503: "南浔区", 330521: "德清县", 330522: "长兴县", 330523: "安吉县"}
SETTINGS = ("城镇", "乡村")
SEXES = ("男", "女")
AGE_GROUPS = ("18-29", "30-39", "40-49", "50-59", "60-69")
EDUCATION = ("小学及以下", "初中", "高中", "大专及以上")
# Invented adult (18–69) populations of each region's town and village parts.
STRATUM_POPULATION = {
    (330502, "城镇"): 310_000, (330502, "乡村"): 90_000,
    (330503, "城镇"): 150_000, (330503, "乡村"): 170_000,
    (330521, "城镇"): 190_000, (330521, "乡村"): 160_000,
    (330522, "城镇"): 240_000, (330522, "乡村"): 200_000,
    (330523, "城镇"): 150_000, (330523, "乡村"): 140_000,
}
PSUS_PER_STRATUM = 4
AGE_SHARES = (0.20, 0.21, 0.22, 0.20, 0.17)
EDUCATION_SHARES = {"城镇": (0.15, 0.33, 0.25, 0.27), "乡村": (0.33, 0.42, 0.16, 0.09)}
EDUCATION_EFFECT = np.array([-1.4, -0.5, 0.3, 1.2])
AGE_EFFECT = np.array([0.5, 0.35, 0.0, -0.35, -0.7])
QUESTIONNAIRE = "example-total-score"


def demo_strata(areas: dict[str, str], seed: object = "") -> dict[tuple[str, str], int]:
    """Invented town/village adult populations for the given area codes (stable for a seed)."""
    population = {}
    for code in areas:
        digest = hashlib.sha256(f"{seed}|{code}".encode()).digest()
        total = 200_000 + int.from_bytes(digest[:4], "big") % 600_000
        town_share = 0.45 + (digest[4] / 255) * 0.3
        population[(code, "城镇")] = round(total * town_share, -3)
        population[(code, "乡村")] = round(total * (1 - town_share), -3)
    return population


def make_wave(
    n: int = 1200,
    seed: int = 2024,
    questionnaire: Questionnaire | None = None,
    *,
    strata_population: dict[tuple[object, str], int] | None = None,
    ability_shift: float = 0.0,
    steady: bool = False,
) -> dict[str, np.ndarray]:
    """About `n` respondents (rounded to whole PSUs) with design columns and answers.

    `strata_population` maps (region code, 城镇/乡村) to the adult population (default: the five
    湖州 counties); `ability_shift` is added to every respondent's latent ability.  `steady` removes
    the sample's average PSU effect, so that the rate follows `ability_shift` closely (the demo's
    rising trend) rather than jumping with the few PSUs drawn."""
    rng = np.random.default_rng(seed)
    questionnaire = questionnaire or load_questionnaire(QUESTIONNAIRE)
    strata_population = strata_population or STRATUM_POPULATION
    strata = list(strata_population)
    per_psu = max(2, round(n / (len(strata) * PSUS_PER_STRATUM)))

    rows: dict[str, list] = {name: [] for name in (
        "id", "region", "urban", "stratum", "psu", "psu_population", "sex", "age_group", "education", "weight"
    )}
    ability: list[float] = []
    psu_effects: list[float] = []
    psu_number = 0
    for stratum_number, (region, setting) in enumerate(strata, start=1):
        population = strata_population[(region, setting)]
        # Communities/villages in the stratum's frame; what a --fpc column would hold.
        psu_population = int(rng.integers(40, 120))
        sizes = rng.integers(max(2, per_psu - 5), per_psu + 6, size=PSUS_PER_STRATUM)
        stratum_sample = int(sizes.sum())
        for size in sizes:
            psu_number += 1
            psu_effect = rng.normal(0.0, 0.3)
            for _ in range(int(size)):
                age = rng.choice(len(AGE_GROUPS), p=AGE_SHARES)
                education = rng.choice(len(EDUCATION), p=EDUCATION_SHARES[setting])
                # Older cohorts had less schooling: move some of the oldest down one level.
                if age >= 3 and education > 0 and rng.random() < 0.35:
                    education -= 1
                sex = rng.integers(2)
                rows["id"].append(len(rows["id"]) + 1)
                rows["region"].append(region)
                rows["urban"].append(setting)
                rows["stratum"].append(stratum_number)
                rows["psu"].append(psu_number)
                rows["psu_population"].append(psu_population)
                rows["sex"].append(SEXES[sex])
                rows["age_group"].append(AGE_GROUPS[age])
                rows["education"].append(EDUCATION[education])
                nonresponse = rng.uniform(0.8, 1.25)
                rows["weight"].append(round(population / stratum_sample * nonresponse, 2))
                psu_effects.append(psu_effect)
                ability.append(
                    ability_shift + EDUCATION_EFFECT[education] + AGE_EFFECT[age] + (0.3 if setting == "城镇" else -0.2)
                    + psu_effect + rng.normal(0.0, 0.6)
                )

    columns = {name: np.asarray(values, dtype=object if isinstance(values[0], str) else float)
               for name, values in rows.items()}
    ability_array = np.asarray(ability)
    if steady:
        ability_array = ability_array - float(np.mean(psu_effects))
    difficulties = np.linspace(-1.6, 1.4, len(questionnaire.items))
    rng.shuffle(difficulties)
    for item, difficulty in zip(questionnaire.items, difficulties, strict=True):
        columns[item.column] = _answers(item, ability_array, difficulty, rng)
    return columns


def _answers(item, ability: np.ndarray, difficulty: float, rng: np.random.Generator) -> np.ndarray:
    correct = rng.random(len(ability)) < 1 / (1 + np.exp(-(ability - difficulty)))
    options = list("ABCD")
    answers = []
    for is_correct in correct:
        if rng.random() < 0.01:
            answers.append("")
            continue
        if item.type == "true_false":
            verdict = next(iter(item.key))
            said_true = (verdict == "T") == is_correct
            spellings = ("对", "√", "T") if said_true else ("错", "×", "F")
            answers.append(spellings[0] if rng.random() < 0.9 else spellings[int(rng.integers(1, 3))])
            continue
        if item.type == "single":
            wrong = [option for option in options if option not in item.key]
            answer = next(iter(item.key)) if is_correct else wrong[int(rng.integers(len(wrong)))]
        else:
            key = sorted(item.key)
            if is_correct:
                chosen = key
            elif rng.random() < 0.4:
                chosen = sorted(rng.choice(key, size=len(key) - 1, replace=False).tolist())
            else:
                wrong = [option for option in options if option not in item.key]
                chosen = sorted({*key[:1], wrong[int(rng.integers(len(wrong)))]})
            rng.shuffle(chosen)
            separator = ("", ",", "、")[int(rng.integers(3))]
            answer = separator.join(chosen)
        answers.append(_untidy(answer, rng))
    return np.asarray(answers, dtype=object)


def _untidy(answer: str, rng: np.random.Generator) -> str:
    draw = rng.random()
    if draw < 0.05:
        return answer.lower()
    if draw < 0.08:
        return answer.translate({ord(letter): ord(letter) + 0xFEE0 for letter in "ABCD"})  # full width
    if draw < 0.10:
        return f" {answer} "
    return answer


def population_margins(
    strata_population: dict[tuple[object, str], int] | None = None,
) -> list[tuple[str, object, float]]:
    """Invented population totals by urban/rural, sex and age group, consistent with the strata."""
    strata_population = strata_population or STRATUM_POPULATION
    total = float(sum(strata_population.values()))
    urban = {setting: float(sum(v for (_, s), v in strata_population.items() if s == setting)) for setting in SETTINGS}
    margins: list[tuple[str, object, float]] = [("urban", setting, value) for setting, value in urban.items()]
    margins += [("sex", "男", round(total * 0.508)), ("sex", "女", total - round(total * 0.508))]
    age_totals = [round(total * share) for share in AGE_SHARES[:-1]]
    age_totals.append(total - sum(age_totals))
    margins += [("age_group", group, float(value)) for group, value in zip(AGE_GROUPS, age_totals, strict=True)]
    return margins


def write_csv(path: Path, columns: dict[str, np.ndarray]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(columns)
        for row in zip(*columns.values(), strict=True):
            writer.writerow([int(value) if isinstance(value, float) and value.is_integer() else value for value in row])


def write_margins(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["column", "level", "total"])
        for column, level, total in population_margins():
            writer.writerow([column, level, int(total)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, required=True, help="CSV file for the wave")
    parser.add_argument("--margins", type=Path, help="also write population margins for `kesu survey rake`")
    parser.add_argument("--n", type=int, default=1200, help="approximate number of respondents")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    write_csv(args.output, make_wave(args.n, args.seed))
    if args.margins:
        write_margins(args.margins)


if __name__ == "__main__":
    main()
