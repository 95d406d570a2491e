"""Crisis-language care: notice it in free text, answer privately, tell moderators without the words.

The detector is pure logic over the patterns in ``content/safety/patterns.yaml`` (compiled
by the catalogue): normalise the text, blank out figurative idioms, then look for
phrase-level patterns that no negation word stands just before. It errs towards answering:
a gentle private note to someone who did not need it costs little; silence to someone who
did costs a great deal. It never decides how much danger anyone is in, and nothing it
returns carries the member's words, so results can be logged and counted.

``SafetyService`` adds the rules around a match: at most one support message per member per
hour (stored as a keyed hash of the member, like the author of an anonymous share, so the
table names nobody to a reader of the database), and whether the community reads replies.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Literal

from bot.catalog import Catalog
from bot.catalog.models import SafetyKind, SafetyRules
from bot.clock import Clock
from bot.crypto import Vault
from bot.events import ChannelRef
from bot.storage.repository import CommunityRow, Repository

__all__ = [
    "SUPPORT_INTERVAL",
    "CrisisDetector",
    "Detection",
    "Place",
    "SafetyService",
    "Screening",
    "Source",
    "normalise",
]

SUPPORT_INTERVAL = timedelta(hours=1)
"""A member gets the support message at most once in this long: caring, not nagging."""

Source = Literal["journal", "share", "prompt", "reply"]

# --- normalising ---------------------------------------------------------------------------------

_QUOTES = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‛": "'",
        "ʼ": "'",
        "′": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
    }
)
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
_MARKUP = re.compile(r"[*_~]")
_INNER_APOSTROPHE = re.compile(r"(?<=[a-z])'(?=[a-z])")
_SPELLED_OUT = re.compile(r"\b[a-z](?P<sep>[ .\-])[a-z](?:(?P=sep)[a-z]){2,}\b")
_EMPHATIC_STOPS = re.compile(r"\b(?:[a-z]+\. ){2,}[a-z]+\b")
_LEET_TOKEN = re.compile(r"[a-z0-9@$!]+")
_LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z]+")
_SPACES = re.compile(r"\s+")


def normalise(text: str, rules: SafetyRules) -> tuple[str, ...]:
    """The text as patterns see it, in one to four readings.

    Lower case, straight quotes, no apostrophes inside words ("don't" -> "dont"), no markup,
    single spaces; spelled-out words joined; letter/number swaps undone; stretched letters
    shortened; light typos fixed. A ``1`` may stand for ``i`` or ``l`` and ``diiie`` may mean
    ``die`` or ``diie``, so each ambiguous swap doubles the readings; a pattern may match any.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)
    folded = _INVISIBLE.sub("", folded)
    folded = _MARKUP.sub("", folded)
    folded = _INNER_APOSTROPHE.sub("", folded)
    folded = _SPACES.sub(" ", folded).strip()
    folded = _SPELLED_OUT.sub(lambda match: re.sub(r"[ .\-]", "", match.group(0)), folded)
    folded = _EMPHATIC_STOPS.sub(lambda match: match.group(0).replace(".", ""), folded)
    readings: list[str] = []
    for one in ("i", "l") if _has_leet_one(folded) else ("i",):
        unleet = _LEET_TOKEN.sub(partial(_unleet, one=one), folded)
        for stretched in (r"\1\1", r"\1"):
            reading = _fix_typos(_STRETCHED.sub(stretched, unleet), rules)
            if reading not in readings:
                readings.append(reading)
    return tuple(readings)


def _has_leet_one(text: str) -> bool:
    return any("1" in token and _is_mixed(token) for token in _LEET_TOKEN.findall(text))


def _is_mixed(token: str) -> bool:
    return any(char.isalpha() for char in token) and not token.isalpha()


def _unleet(match: re.Match[str], one: str) -> str:
    """``k1ll`` -> ``kill``, ``$uicidal`` -> ``suicidal``; plain numbers ("5 kms") and mentions stay."""
    token = match.group(0)
    if not _is_mixed(token):
        return token
    chars = list(token)
    for index, char in enumerate(chars):
        before = chars[index - 1] if index else ""
        after = chars[index + 1] if index + 1 < len(chars) else ""
        if char == "1":
            chars[index] = one
        elif char in "@!":
            if before.isalnum() and after.isalnum():
                chars[index] = _LEET[char]
        elif char == "$":
            if after.isalpha():
                chars[index] = "s"
        elif char in _LEET:
            chars[index] = _LEET[char]
    return "".join(chars)


def _fix_typos(text: str, rules: SafetyRules) -> str:
    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if len(word) >= 5:
            for target in rules.one_edit:
                if word != target and len(target) >= 6 and _one_edit_apart(word, target):
                    return target
        for target in rules.swapped:
            if word != target and _swapped_neighbours(word, target):
                return target
        return word

    return _WORD.sub(fix, text)


def _swapped_neighbours(word: str, target: str) -> bool:
    if len(word) != len(target):
        return False
    diffs = [index for index, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and word[diffs[0]] == target[diffs[1]]
        and word[diffs[1]] == target[diffs[0]]
    )


def _one_edit_apart(word: str, target: str) -> bool:
    """One letter added, dropped, changed, or two neighbours swapped."""
    if abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        differing = sum(a != b for a, b in zip(word, target, strict=True))
        return differing == 1 or _swapped_neighbours(word, target)
    shorter, longer = sorted((word, target), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


# --- detecting -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Detection:
    """What matched, by kind and group id: safe to log and count, since it holds no text."""

    kinds: tuple[SafetyKind, ...] = ()
    groups: tuple[str, ...] = ()

    @property
    def matched(self) -> bool:
        return bool(self.groups)


_BLANK = " ; "
"""What an excluded idiom becomes: a clause break, so nothing matches across it."""


class CrisisDetector:
    def __init__(self, rules: SafetyRules) -> None:
        self._rules = rules

    def check(self, text: str) -> Detection:
        hits: dict[str, SafetyKind] = {}
        for reading in normalise(text, self._rules):
            cleaned = self._without_idioms(reading)
            for group in self._rules.groups:
                if group.id not in hits and any(self._affirmed(pattern, cleaned) for pattern in group.patterns):
                    hits[group.id] = group.kind
        kinds = tuple(dict.fromkeys(kind for kind in hits.values()))
        return Detection(kinds=kinds, groups=tuple(hits))

    def _without_idioms(self, text: str) -> str:
        for pattern in self._rules.exclusions:
            text = pattern.sub(_BLANK, text)
        return text

    def _affirmed(self, pattern: re.Pattern[str], text: str) -> bool:
        return any(not self._negated(text, match.start()) for match in pattern.finditer(text))

    def _negated(self, text: str, start: int) -> bool:
        """True when a negation cue stands just before ``start`` in its clause, with only glue
        words between: "I would never hurt myself", "I have no thoughts of suicide"."""
        clause = self._rules.clause_breaks.split(text[max(0, start - 160) : start])[-1]
        for word in reversed(clause.split()[-self._rules.window :]):
            if word in self._rules.negation_cues:
                return True
            if word not in self._rules.glue:
                return False
        return False


# --- the service ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """Where free text arrived, for the moderators' alert: a reference, never the text."""

    source: Source
    channel: ChannelRef | None = None
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class Screening:
    detection: Detection
    support_due: bool = False
    """True when this member has not had the support message in the last hour (now recorded)."""

    @property
    def matched(self) -> bool:
        return self.detection.matched


class SafetyService:
    def __init__(self, repo: Repository, catalog: Catalog, vault: Vault, clock: Clock) -> None:
        self._repo = repo
        self._vault = vault
        self._clock = clock
        self.detector = CrisisDetector(catalog.safety)
        self.on_response: list[Callable[[Source], None]] = []
        """Told of each support message sent, by source only (the ``/metrics`` crisis counter)."""

    async def screen(self, community_id: int, user_id: str, text: str, source: Source) -> Screening:
        """Check ``text``; on a match, claim this member's hourly support message if it is due."""
        detection = self.detector.check(text)
        if not detection.matched:
            return Screening(detection)
        link = self._vault.author_link(community_id, user_id)
        now = self._clock.now()
        due = await self._repo.claim_safety_response(community_id, link, now, now - SUPPORT_INTERVAL)
        if due:
            for listener in self.on_response:
                listener(source)
        return Screening(detection, support_due=due)

    async def reads_replies(self, community_id: int) -> bool:
        return await self._repo.reads_replies(community_id)

    async def set_read_replies(self, community: CommunityRow, on: bool, actor_id: str) -> None:
        await self._repo.set_read_replies(community.id, on)
        detail = f"read_replies={'on' if on else 'off'}"
        await self._repo.audit(community.id, actor_id, "setup safety", detail, self._clock.now())
