"""Majority judgment (Balinski & Laraki) over the seven French mentions.

A *profile* is a list of 7 counts: ``profile[g]`` is the number of
participants who gave grade ``g`` (0 = « À rejeter », 6 = « Excellent »).
Counts are ints, or exact ``Fraction``s for weighted ballots (colleges).

Incomplete ballots (docs/votes.md): everyone who graded at least one idea
counts for every idea, and an idea they did not grade counts as
« À rejeter » — ``complete(profile, voters)`` pads a profile accordingly,
so every idea of a vote has the same total.

Convention: the majority grade is the **lower median**. With the ``n``
grades sorted from worst to best, it is the one at 1-based position
``(n + 1) // 2``; equivalently, the highest grade ``g`` such that a strict
majority (> 50 %) of participants gave ``g`` or better. For odd ``n`` this
is the usual median; for even ``n`` it is the lower of the two middle grades.
With weights, it is the lowest grade whose cumulated weight reaches half.

Ties are broken by the *majority value*: the sequence of majority grades
obtained by repeatedly removing one vote at the current majority grade,
compared lexicographically (the standard Balinski-Laraki tie-break).
``compare`` computes that order on shares of the total, which also works
for weighted profiles: it probes the grades at growing distances from the
median, the lower side first, exactly where removing median votes one by
one would reach them (docs/votes.md gives the argument).
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from fractions import Fraction
from math import lcm
from typing import TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from app.i18n import GRADES, grade_label

# The seven grades, 0 (« À rejeter ») to 6 (« Excellent »): their names are defined once, in app/i18n.py.

K = TypeVar("K", bound=Hashable)


def _validate(profile: Sequence) -> list:
    """Return a copy of ``profile`` or raise ``ValueError`` if malformed."""
    # ValueError even for wrong types (TRY004): callers catch one exception
    # for any bad input, as the module's contract promises.
    if isinstance(profile, (str, bytes)) or not isinstance(profile, Sequence):
        raise ValueError("profile must be a sequence of 7 counts")  # noqa: TRY004
    if len(profile) != len(GRADES):
        raise ValueError(f"profile must have {len(GRADES)} counts, got {len(profile)}")
    for count in profile:
        # bool is an int subclass; True as a count is almost surely a bug. Floats are
        # refused too: equal weights must compare equal, so weights are exact fractions.
        if isinstance(count, bool) or not isinstance(count, (int, Fraction)) or count < 0:
            raise ValueError(f"invalid count in profile: {count!r}")
    return list(profile)


def _lower_median(counts: list) -> int | None:
    """Lower median of an already validated profile, ``None`` if empty: the lowest
    grade whose cumulated count reaches half the total (position ``(n + 1) // 2``)."""
    total = sum(counts)
    if total == 0:
        return None
    seen = 0
    for grade, count in enumerate(counts):
        seen += count
        if 2 * seen >= total:
            return grade
    raise AssertionError("unreachable: the cumulated counts reach the total")


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
    the Balinski-Laraki iterative tie-break; ``compare`` gives the same order
    without building the tuple. Integer profiles only.
    """
    counts = _validate(profile)
    if any(not isinstance(c, int) for c in counts):
        raise ValueError("majority_value needs whole counts")
    sequence: list[int] = []
    grade = _lower_median(counts)
    while grade is not None:
        sequence.append(grade)
        counts[grade] -= 1
        grade = _lower_median(counts)
    return tuple(sequence)


def complete(profile: Sequence[int], voters: int) -> list[int]:
    """The profile once the ``voters`` who did not grade this idea count as « À rejeter »."""
    counts = _validate(profile)
    missing = voters - sum(counts)
    if missing < 0:
        raise ValueError(f"{sum(counts)} grades for {voters} voters")
    counts[0] += missing
    return counts


def _lower(cumulated: list, x) -> int:
    """The grade at share ``x`` of the sorted ballots (the lowest whose cumulated share reaches x)."""
    return next(g for g, c in enumerate(cumulated) if c >= x)


def _upper(cumulated: list, x) -> int:
    """The grade just above share ``x`` (the lowest whose cumulated share exceeds x)."""
    return next(g for g, c in enumerate(cumulated) if c > x)


def sort_key(profile: Sequence) -> tuple:
    """A key that sorts profiles in majority-judgment order (greater is better; equal keys are ties).

    Walks away from the median (share ½) by a growing distance d: at each d the
    grade at ½ − d, then the grade just above ½ + d; the first difference
    between two profiles decides. For profiles of the same total this is exactly
    the lexicographic order of their majority values (tested against it), and it
    needs no common total, so weighted profiles compare the same way.

    The key lists the runs of that walk, each as (grades, direction, ±length):
    where two runs agree on their grades, the longer one is better if the walk
    then goes down (the other has already dropped) and worse if it goes up.
    An empty profile has the empty key, below any other.
    """
    counts = _validate(profile)
    if any(isinstance(c, Fraction) for c in counts):  # weighted: scale to whole numbers (same shares)
        scale = lcm(*(Fraction(c).denominator for c in counts))
        counts = [int(c * scale) for c in counts]
    total = sum(counts)
    if not total:
        return ()
    # Shares are worked in units of 1 / (2 × total): whole numbers for whole counts (fast);
    # only the run lengths become exact fractions, comparable across totals.
    cumulated, seen = [], 0
    for count in counts:
        seen += count
        cumulated.append(2 * seen)
    half = total
    # The probes change only where a cumulated share crosses ½ ± d.
    steps = sorted({0} | {abs(c - half) for c in cumulated if abs(c - half) < half})
    runs: list[list] = []
    for i, d in enumerate(steps):
        grades = (_lower(cumulated, half - d), _upper(cumulated, half + d))
        length = (steps[i + 1] if i + 1 < len(steps) else half) - d
        if runs and runs[-1][0] == grades:
            runs[-1][1] += length
        else:
            runs.append([grades, length])
    key = []
    for i, (grades, length) in enumerate(runs):
        up = i + 1 < len(runs) and runs[i + 1][0] > grades
        share = Fraction(length) / (2 * total)
        key.append((grades, 1 if up else -1, -share if up else share))
    return tuple(key)


def compare(a: Sequence, b: Sequence) -> int:
    """> 0 when ``a`` ranks above ``b``, < 0 below, 0 for a tie (empty profiles tie, below any other)."""
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


def ordered(profiles: Mapping[K, Sequence]) -> list[tuple[K, int]]:
    """Keys best first with their rank; tied ideas share the rank of the first of them (1, 2, 2, 4).

    Ties keep the mapping's order (a stable sort)."""
    keys = {key: sort_key(profile) for key, profile in profiles.items()}
    out: list[tuple[K, int]] = []
    for position, key in enumerate(sorted(keys, key=keys.get, reverse=True), start=1):
        tied = out and keys[out[-1][0]] == keys[key]
        out.append((key, out[-1][1] if tied else position))
    return out


def rank(profiles: Mapping[K, Sequence]) -> list[tuple[K, int | None]]:
    """Rank ideas best first as ``(key, majority grade)`` pairs.

    Ideas without votes come last. Exact ties keep the mapping's order.
    Profiles should share one total (pad them with ``complete``); otherwise
    they compare as shares of their own totals.
    """
    return [(key, majority_grade(profiles[key])) for key, _rank in ordered(profiles)]


def shares(profile: Sequence) -> list[Fraction]:
    """Each grade's share of the profile's total (all zeros when empty)."""
    counts = _validate(profile)
    total = sum(counts)
    return [Fraction(c) / total if total else Fraction(0) for c in counts]


def _percent(part, total) -> int:
    """``part / total`` as a percentage, rounded half up (not banker's); exact for fractions too."""
    return int((200 * Fraction(part) + total) // (2 * Fraction(total)))


CONVENTION = lazy_gettext("Une idée non évaluée compte comme « À rejeter ».")


def explain(profile: Sequence, who: str | None = None) -> str:
    """One plain sentence describing the majority grade, in the reader's language (``who``: whose grades
    the shares are, « des participants » by default)."""
    counts = _validate(profile)
    grade = _lower_median(counts)
    if grade is None:
        return _("Aucune évaluation")
    total = sum(counts)
    at_least = _percent(sum(counts[grade:]), total)
    words = {"grade": grade_label(grade), "share": at_least, "who": who or _("des participants")}
    if grade == 0:
        # Nothing ranks below « À rejeter », so a "0 % ... ou moins" clause is noise.
        return _("Mention majoritaire : %(grade)s — %(share)s %% %(who)s ont donné « %(grade)s » ou mieux.", **words)
    # Derive the complement so both figures always add up to 100.
    return _(
        "Mention majoritaire : %(grade)s — %(share)s %% %(who)s ont donné « %(grade)s » ou mieux, "
        "%(rest)s %% « %(below)s » ou moins.",
        rest=100 - at_least,
        below=grade_label(grade - 1),
        **words,
    )
