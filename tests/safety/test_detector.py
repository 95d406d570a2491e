"""The crisis-language detector against its labelled set, and the rules it is built from.

positives.txt and negatives.txt were written in batches: the first before any pattern existed,
each later one fresh after a round of patterns, measured once, then kept here (their first
measured figures are in the files' headings). The figures this test prints are for the whole set,
which the patterns have now seen; the batch headings are the honest estimate for unseen text.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.catalog import Catalog
from bot.services.safety import CrisisDetector, Detection, normalise

MIN_RECALL = 0.95
MAX_FALSE_POSITIVE_RATE = 0.03


def test_labelled_set_is_big_enough_and_clean(positives: list[str], negatives: list[str]) -> None:
    assert len(positives) >= 120 and len(negatives) >= 150
    assert len(set(positives)) == len(positives), "a positive phrasing is listed twice"
    assert len(set(negatives)) == len(negatives), "a negative phrasing is listed twice"
    assert not set(positives) & set(negatives)


def test_recall_and_false_positive_rate(
    detector: CrisisDetector,
    positives: list[str],
    negatives: list[str],
    record_property: Callable[[str, object], None],
) -> None:
    missed = [text for text in positives if not detector.check(text).matched]
    flagged = [text for text in negatives if detector.check(text).matched]
    recall = 1 - len(missed) / len(positives)
    false_positive_rate = len(flagged) / len(negatives)
    summary = (
        f"crisis detector: recall {recall:.2f} ({len(positives) - len(missed)}/{len(positives)}), "
        f"false-positive rate {false_positive_rate:.3f} ({len(flagged)}/{len(negatives)})"
    )
    record_property("crisis_detector", summary)
    details = "\n".join([summary, *(f"missed: {text}" for text in missed), *(f"flagged: {text}" for text in flagged)])
    assert recall >= MIN_RECALL, details
    assert false_positive_rate <= MAX_FALSE_POSITIVE_RATE, details


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I would never hurt myself", False),
        ("I'd never kill myself, I just needed to say it", False),
        ("I'm not suicidal", False),
        ("I don't want to die", False),
        ("I don't want to live anymore", True),
        ("I'm not okay and I want to die", True),
        ("Not gonna lie I want to die", True),
        ("I can't stop thinking about killing myself", True),
        ("It's not that I don't want to live", False),
    ],
)
def test_negation_sets_aside_only_what_it_negates(detector: CrisisDetector, text: str, expected: bool) -> None:
    assert detector.check(text).matched is expected


@pytest.mark.parametrize(
    "text",
    [
        "this traffic is killing me",
        "I'd die for pizza",
        "dying to see the show",
        "you're killing it",
        "we finally managed to kill the boss",
        "never give up",
        "I ran 5 kms today",
        "my communication skills are improving",
        "my therapist is great",
        "I cut myself a slice of cake",
        "I'm going to die of boredom",
        "Suicide Squad was bad",
    ],
)
def test_figurative_and_substring_traps_stay_quiet(detector: CrisisDetector, text: str) -> None:
    assert not detector.check(text).matched


@pytest.mark.parametrize(
    "text",
    [
        "i want to k1ll myself",
        "su1cidal again",
        "$uicidal",
        "I want to d!e",
        "I want to diiiiie",
        "I want to kill my self",
        "thinking about suicde",
        "i wnat to die",
        "s u i c i d e",
        "I. Want. To. Die.",
        "I don’t want to be alive anymore",
        "i want to die",
        "I *want* to die",
    ],
)
def test_normalising_undoes_swaps_spacing_and_typos(detector: CrisisDetector, text: str) -> None:
    assert detector.check(text).matched


def test_normalised_readings_keep_numbers_and_mentions(safety_catalog: Catalog) -> None:
    assert normalise("I ran 5 kms with @sam!", safety_catalog.safety) == ("i ran 5 kms with @sam!",)
    assert "kill" in normalise("K1LL", safety_catalog.safety)[0] + normalise("K1LL", safety_catalog.safety)[-1]


def test_an_idiom_does_not_hide_the_rest_of_the_sentence(detector: CrisisDetector) -> None:
    assert detector.check("This traffic is killing me and honestly I want to die").matched


def test_a_detection_carries_kinds_never_text(detector: CrisisDetector) -> None:
    found = detector.check("I want to kill myself and I have been cutting again")
    assert found == Detection(kinds=found.kinds, groups=found.groups)
    assert set(found.kinds) <= {"direct", "passive", "hopelessness", "self-harm"}
    assert {"direct", "self-harm"} <= set(found.kinds)
    assert "myself" not in repr(found)


def test_a_long_entry_is_checked_quickly(detector: CrisisDetector) -> None:
    entry = ("We argued about the dishes again and I tried the I-statement from the lesson. " * 50)[:3900]
    started = time.perf_counter()
    for _ in range(10):
        assert not detector.check(entry).matched
    assert (time.perf_counter() - started) / 10 < 0.25  # about 0.02 s on a laptop; generous for CI
