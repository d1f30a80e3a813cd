"""Majority judgment (Balinski & Laraki) over the seven French mentions.

A *profile* is a list of 7 counts: ``profile[g]`` is the number of
participants who gave grade ``g`` (0 = « À rejeter », 6 = « Excellent »).

Convention: the majority grade is the **lower median**. With the ``n``
grades sorted from worst to best, it is the one at 1-based position
``(n + 1) // 2``; equivalently, the highest grade ``g`` such that a strict
majority (> 50 %) of participants gave ``g`` or better. For odd ``n`` this
is the usual median; for even ``n`` it is the lower of the two middle grades.

Ties are broken by the *majority value*: the sequence of majority grades
obtained by repeatedly removing one vote at the current majority grade.
Ideas compare lexicographically on that sequence, which is the standard
Balinski-Laraki tie-break.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

GRADES: list[str] = [
    "À rejeter",
    "Insuffisant",
    "Passable",
    "Assez bien",
    "Bien",
    "Très bien",
    "Excellent",
]

K = TypeVar("K", bound=Hashable)


def _validate(profile: Sequence[int]) -> list[int]:
    """Return a copy of ``profile`` or raise ``ValueError`` if malformed."""
    # ValueError even for wrong types (TRY004): callers catch one exception
    # for any bad input, as the module's contract promises.
    if isinstance(profile, (str, bytes)) or not isinstance(profile, Sequence):
        raise ValueError("profile must be a sequence of 7 counts")  # noqa: TRY004
    if len(profile) != len(GRADES):
        raise ValueError(f"profile must have {len(GRADES)} counts, got {len(profile)}")
    for count in profile:
        # bool is an int subclass; True as a count is almost surely a bug.
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError(f"invalid count in profile: {count!r}")
    return list(profile)


def _lower_median(counts: list[int]) -> int | None:
    """Lower median of an already validated profile, ``None`` if empty."""
    total = sum(counts)
    if total == 0:
        return None
    position = (total + 1) // 2  # 1-based rank from the worst grade
    seen = 0
    for grade, count in enumerate(counts):
        seen += count
        if seen >= position:
            return grade
    raise AssertionError("unreachable: position <= total")


def profile_from_grades(grades: Iterable[int]) -> list[int]:
    """Build a profile from individual grades (each an int in 0..6)."""
    profile = [0] * len(GRADES)
    for grade in grades:
        if isinstance(grade, bool) or not isinstance(grade, int):
            raise ValueError(f"invalid grade: {grade!r}")  # noqa: TRY004
        if not 0 <= grade < len(GRADES):
            raise ValueError(f"grade out of range 0..{len(GRADES) - 1}: {grade}")
        profile[grade] += 1
    return profile


def majority_grade(profile: Sequence[int]) -> int | None:
    """Majority grade (lower median) of ``profile``; ``None`` if no votes."""
    return _lower_median(_validate(profile))


def majority_value(profile: Sequence[int]) -> tuple[int, ...]:
    """Successive lower medians, removing one median vote each time.

    The tuple has one entry per vote (empty if there are no votes). With
    equal vote totals, comparing these tuples lexicographically is exactly
    the Balinski-Laraki iterative tie-break. With different totals, a tuple
    that is a strict prefix of another ranks lower (Python tuple order), so
    an idea with extra votes beyond an identical common part ranks higher.
    """
    counts = _validate(profile)
    sequence: list[int] = []
    grade = _lower_median(counts)
    while grade is not None:
        sequence.append(grade)
        counts[grade] -= 1
        grade = _lower_median(counts)
    return tuple(sequence)


def rank(profiles: Mapping[K, Sequence[int]]) -> list[tuple[K, int | None]]:
    """Rank ideas best first as ``(key, majority grade)`` pairs.

    Ideas without votes come last. Exact ties keep the mapping's order,
    because ``sorted`` is stable even with ``reverse=True``.
    """
    values = {key: majority_value(profile) for key, profile in profiles.items()}
    ordered = sorted(values, key=lambda key: (bool(values[key]), values[key]), reverse=True)
    return [(key, values[key][0] if values[key] else None) for key in ordered]


def _percent(part: int, total: int) -> int:
    """``part / total`` as a percentage, rounded half up (not banker's)."""
    return (200 * part + total) // (2 * total)


def explain(profile: Sequence[int]) -> str:
    """One plain-French sentence describing the majority grade."""
    counts = _validate(profile)
    grade = _lower_median(counts)
    if grade is None:
        return "Aucune évaluation"
    total = sum(counts)
    at_least = _percent(sum(counts[grade:]), total)
    sentence = (
        f"Mention majoritaire : {GRADES[grade]} — {at_least} % des participants ont donné « {GRADES[grade]} » ou mieux"
    )
    if grade == 0:
        # Nothing ranks below « À rejeter », so a "0 % ... ou moins" clause is noise.
        return sentence + "."
    # Derive the complement so both figures always add up to 100.
    return f"{sentence}, {100 - at_least} % « {GRADES[grade - 1]} » ou moins."
