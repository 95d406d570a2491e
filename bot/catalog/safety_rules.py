"""Layer and compile the crisis-language patterns (``safety/patterns.yaml``).

The patterns are data so that people who know crisis language, not only programmers, can
review and extend them. That makes a typo in a regular expression a content mistake: it is
caught here, at load, and reported with its file and field like any other, instead of
failing the first time a member writes something.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bot.catalog.models import (
    SAFETY_KINDS,
    CrisisExclusion,
    CrisisGroup,
    CrisisNegation,
    CrisisPatternFile,
    CrisisTypos,
    SafetyPatternGroup,
    SafetyRules,
)

__all__ = ["PATTERNS_FILE", "build_safety_rules", "expand_terms"]

PATTERNS_FILE = "safety/patterns.yaml"
_TERM = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_MAX_NESTING = 5
Problem = Callable[[str, str, str], None]
"""``(file, field, message)``: how problems reach the loader's collector."""


@dataclass(frozen=True, slots=True)
class _Placed:
    """A group or exclusion with where it was written, for error messages."""

    item: CrisisGroup | CrisisExclusion
    where: str
    field: str


def expand_terms(pattern: str, terms: Mapping[str, str], _depth: int = 0) -> str:
    """Replace each ``{NAME}`` with its term (terms may use terms); unknown names raise ``ValueError``."""
    if _depth > _MAX_NESTING:
        raise ValueError(f"terms nest more than {_MAX_NESTING} deep (does a term use itself?)")

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in terms:
            raise ValueError(f"uses {{{name}}}, but there is no term called {name}")
        return expand_terms(terms[name], terms, _depth + 1)

    return _TERM.sub(replace, pattern)


def _compile(
    pattern: str, terms: Mapping[str, str], where: str, field: str, problem: Problem
) -> re.Pattern[str] | None:
    try:
        expanded = expand_terms(pattern, terms)
    except ValueError as error:
        problem(where, field, str(error))
        return None
    if "'" in expanded or "’" in expanded:
        problem(where, field, "contains an apostrophe: text is normalised first, so write dont, not don't")
        return None
    if re.search(r"[A-Z]", re.sub(r"\\.|\(\?P[<=][^>)]*[>)]", "", expanded)):
        problem(where, field, "has capital letters: text is matched in lower case, so write patterns in lower case")
        return None
    try:
        return re.compile(expanded)
    except re.error as error:
        problem(where, field, f"is not a valid regular expression ({error})")
        return None


def build_safety_rules(layers: Sequence[tuple[str, CrisisPatternFile]], problem: Problem) -> SafetyRules | None:
    """Merge the layers (a later group, exclusion or term with the same id or name replaces an
    earlier one; negation and typos are replaced whole) and compile every pattern."""
    if not layers:
        problem(PATTERNS_FILE, "", "is missing (it holds the crisis-language patterns)")
        return None
    terms: dict[str, str] = {}
    groups: dict[str, _Placed] = {}
    exclusions: dict[str, _Placed] = {}
    negation: tuple[CrisisNegation, str] | None = None
    typos: CrisisTypos | None = None
    for where, layer in layers:
        terms.update(layer.terms)
        for index, group in enumerate(layer.groups):
            groups[group.id] = _Placed(group, where, f"groups[{index}]")
        for index, exclusion in enumerate(layer.exclusions):
            exclusions[exclusion.id] = _Placed(exclusion, where, f"exclusions[{index}]")
        negation = (layer.negation, where) if layer.negation else negation
        typos = layer.typos or typos

    compiled_groups = tuple(
        SafetyPatternGroup(placed.item.id, placed.item.kind, _compile_all(placed, terms, problem))
        for placed in groups.values()
        if isinstance(placed.item, CrisisGroup)
    )
    compiled_exclusions = tuple(
        pattern for placed in exclusions.values() for pattern in _compile_all(placed, terms, problem)
    )
    last = layers[-1][0]
    for kind in SAFETY_KINDS:
        if not any(group.kind == kind for group in compiled_groups):
            problem(last, "groups", f"no group of kind {kind}: every kind needs at least one")
    if negation is None:
        problem(last, "negation", "is missing (cues, glue, window and clause_breaks)")
    if typos is None:
        problem(last, "typos", "is missing (one_edit and swapped)")
    if negation is None or typos is None:
        return None
    clause_breaks = _compile(negation[0].clause_breaks, terms, negation[1], "negation.clause_breaks", problem)
    if clause_breaks is None:
        return None
    return SafetyRules(
        groups=compiled_groups,
        exclusions=compiled_exclusions,
        negation_cues=frozenset(negation[0].cues),
        glue=frozenset(negation[0].glue),
        window=negation[0].window,
        clause_breaks=clause_breaks,
        one_edit=tuple(typos.one_edit),
        swapped=tuple(typos.swapped),
    )


def _compile_all(placed: _Placed, terms: Mapping[str, str], problem: Problem) -> tuple[re.Pattern[str], ...]:
    compiled = (
        _compile(text, terms, placed.where, f"{placed.field}.patterns[{index}]", problem)
        for index, text in enumerate(placed.item.patterns)
    )
    return tuple(pattern for pattern in compiled if pattern is not None)
