"""Linking a plan's tasks to their parents: the national 纲要 headings or a parent plan's tasks.

Two rules, in this order:

1. Heading words. Plans are organised under the national outline's headings, so a task whose
   section path (its headings, including its own title) contains a parent's name or alias — e.g.
   a task under 实施青少年科学素质提升行动 — is linked to that parent with score 1.0, whatever its
   text says. Several named parents are ordered from the outermost heading inwards, because the
   section a task sits in says more about what it belongs to than a phrase in its own title.
   Only parents that carry `names` take part (national headings do; a parent plan's tasks do not).
2. Text similarity. Otherwise (and to fill the remaining places) the task is compared with every
   parent by cosine similarity of character-bigram TF-IDF vectors: the task's section path,
   title and text against the parent's title, names and text (for a national heading its measures).
   Bigrams suit Chinese, where words are not spaced and two characters carry most terms.

IDF weights come from the parents alone, so a task's scores depend only on that task and the set
of parents — not on the other tasks being aligned, nor on the order the parents are given in.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kesu.plans.characters import to_simplified
from kesu.plans.national import Outline, load_outline

# Bigrams that say nothing about which heading a task belongs to; left out of the vectors.
_STOP_BIGRAMS = frozenset(
    [
        "开展",
        "加强",
        "推进",
        "推动",
        "实施",
        "建设",
        "提升",
        "每年",
        "不少",
        "少于",
        "以上",
        "达到",
        "累计",
        "全市",
        "全县",
        "全区",
        "工作",
        "组织",
        "活动",
    ]
)
# A child's headings and title name its topic more reliably than the body, which often lists
# examples from neighbouring headings; they are counted this many times.
_HEADING_WEIGHT = 2


@dataclass(frozen=True)
class AlignItem:
    """A task (or national heading) to align: id, title, body text, section path."""

    id: str
    title: str
    text: str = ""
    path: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # heading words that force a link to this item (rule 1)


@dataclass(frozen=True)
class Link:
    parent: str
    title: str
    score: float


def _normal(text: str) -> str:
    text = to_simplified(unicodedata.normalize("NFKC", text))
    return "".join(char for char in text if char.isalnum())


def _bigrams(text: str) -> Counter[str]:
    compact = _normal(text)
    grams = Counter(compact[index : index + 2] for index in range(len(compact) - 1))
    for stop in _STOP_BIGRAMS & grams.keys():
        del grams[stop]
    return grams


def _child_terms(child: AlignItem) -> Counter[str]:
    heads = " ".join((*child.path, child.title))
    terms = _bigrams(child.text)
    for gram, count in _bigrams(heads).items():
        terms[gram] += _HEADING_WEIGHT * count
    return terms


def _parent_terms(parent: AlignItem) -> Counter[str]:
    return _bigrams(" ".join((parent.title, *parent.names, parent.text, *parent.path)))


def _named(child: AlignItem, parents: Sequence[AlignItem]) -> list[int]:
    """Indices of parents named by the child's headings, outermost heading first."""
    heads = [_normal(head) for head in (*child.path, child.title) if head]
    found: dict[int, tuple[int, int]] = {}
    for index, parent in enumerate(parents):
        for name in parent.names:
            key = _normal(name)
            if not key:
                continue
            for depth, head in enumerate(heads):
                if key in head:
                    rank = (depth, -len(key))
                    if index not in found or rank < found[index]:
                        found[index] = rank
                    break
    return sorted(found, key=lambda index: (found[index], parents[index].id))


def _matrix(bags: list[Counter[str]], vocabulary: dict[str, int], idf: np.ndarray) -> np.ndarray:
    matrix = np.zeros((len(bags), len(vocabulary)), dtype=np.float64)
    for row, bag in enumerate(bags):
        for gram, count in bag.items():
            column = vocabulary.get(gram)
            if column is not None:
                matrix[row, column] = 1.0 + math.log(count)
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    np.divide(matrix, norms, out=matrix, where=norms > 0)
    return matrix


def similarity(children: Sequence[AlignItem], parents: Sequence[AlignItem]) -> np.ndarray:
    """Cosine similarity of each child (rows) with each parent (columns), in [0, 1]."""
    parent_bags = [_parent_terms(parent) for parent in parents]
    document_frequency: Counter[str] = Counter()
    for bag in parent_bags:
        document_frequency.update(bag.keys())
    vocabulary = {gram: column for column, gram in enumerate(sorted(document_frequency))}
    count = len(parents)
    idf = np.array(
        [math.log((1 + count) / (1 + document_frequency[gram])) + 1.0 for gram in vocabulary],
        dtype=np.float64,
    )
    parent_matrix = _matrix(parent_bags, vocabulary, idf)
    child_matrix = _matrix([_child_terms(child) for child in children], vocabulary, idf)
    return np.clip(child_matrix @ parent_matrix.T, 0.0, 1.0)


def align(
    children: Iterable[AlignItem], parents: Iterable[AlignItem], *, top: int = 3
) -> dict[str, list[Link]]:
    """For each child id, its best parents (at most `top`, named ones always kept), best first."""
    children, parents = list(children), list(parents)
    if not children:
        return {}
    if not parents:
        return {child.id: [] for child in children}
    scores = similarity(children, parents)
    result: dict[str, list[Link]] = {}
    for row, child in enumerate(children):
        named = _named(child, parents)
        links = [Link(parents[index].id, parents[index].title, 1.0) for index in named]
        chosen = set(named)
        # Ties are broken by parent id so that the order parents are given in does not matter.
        ranked = sorted(range(len(parents)), key=lambda index: (-scores[row, index], parents[index].id))
        for index in ranked:
            if len(links) >= max(top, len(named)):
                break
            score = float(scores[row, index])
            if index in chosen or score <= 0.0:
                continue
            links.append(Link(parents[index].id, parents[index].title, round(score, 4)))
        result[child.id] = links
    return result


def national_parents(outline: Outline | None = None) -> list[AlignItem]:
    """The outline's headings as parents: id = heading code, text = its measures."""
    outline = outline or load_outline()
    return [
        AlignItem(
            id=heading.code,
            title=heading.title,
            text="；".join(heading.measures),
            path=(),
            names=heading.names,
        )
        for heading in outline.headings
    ]
