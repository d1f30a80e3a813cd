"""Tests for app.lib.majority, with expected values worked out by hand.

Grade indices: 0 À rejeter, 1 Insuffisant, 2 Passable, 3 Assez bien,
4 Bien, 5 Très bien, 6 Excellent. Lower median = the grade at 1-based
position (n + 1) // 2 when the n grades are sorted from worst to best.
"""

import pytest

from app.lib.majority import (
    GRADES,
    explain,
    majority_grade,
    majority_value,
    profile_from_grades,
    rank,
)

# A: grades 3,4,4,5,5 -> median (position 3 of 5) = 4 (Bien).
PROFILE_A = [0, 0, 0, 1, 2, 2, 0]
# B: grades 2,2,4,6,6 -> median (position 3 of 5) = 4 (Bien), same as A.
PROFILE_B = [0, 0, 2, 0, 1, 0, 2]
EMPTY = [0] * 7


def test_grades_constant():
    assert len(GRADES) == 7
    assert GRADES[0] == "À rejeter"
    assert GRADES[4] == "Bien"
    assert GRADES[6] == "Excellent"


def test_profile_from_grades():
    # 0 once, 4 twice, 6 once.
    assert profile_from_grades([0, 4, 4, 6]) == [1, 0, 0, 0, 2, 0, 1]
    assert profile_from_grades([]) == EMPTY


@pytest.mark.parametrize("bad", [[7], [-1], [2.0], [True], ["4"]])
def test_profile_from_grades_rejects_bad_grades(bad):
    with pytest.raises(ValueError):
        profile_from_grades(bad)


def test_majority_grade_odd_count():
    # Grades 0,2,4,5,6: n=5, position 3 -> 4 (Bien).
    assert majority_grade(profile_from_grades([0, 2, 4, 5, 6])) == 4


def test_majority_grade_even_count_uses_lower_median():
    # Grades 1,2,4,5: n=4, position (4+1)//2 = 2 -> 2 (Passable).
    # The upper median would be 4 (Bien): only 2 of 4 (not > 50 %) gave Bien+.
    assert majority_grade([0, 1, 1, 0, 1, 1, 0]) == 2
    # Grades 3,5: n=2, position 1 -> 3 (Assez bien).
    assert majority_grade(profile_from_grades([3, 5])) == 3


def test_all_same_grade():
    # Five "Bien": every median is Bien, whatever is removed.
    profile = [0, 0, 0, 0, 5, 0, 0]
    assert majority_grade(profile) == 4
    assert majority_value(profile) == (4, 4, 4, 4, 4)


def test_empty_profile():
    assert majority_grade(EMPTY) is None
    assert majority_value(EMPTY) == ()


def test_majority_value_worked_example():
    # A: [3,4,4,5,5] -> 4; remove a 4: [3,4,5,5] (pos 2) -> 4;
    #    remove a 4: [3,5,5] (pos 2) -> 5; remove a 5: [3,5] (pos 1) -> 3;
    #    remove the 3: [5] -> 5.
    assert majority_value(PROFILE_A) == (4, 4, 5, 3, 5)
    # B: [2,2,4,6,6] -> 4; remove the 4: [2,2,6,6] (pos 2) -> 2;
    #    remove a 2: [2,6,6] (pos 2) -> 6; remove a 6: [2,6] (pos 1) -> 2;
    #    remove the 2: [6] -> 6.
    assert majority_value(PROFILE_B) == (4, 2, 6, 2, 6)


def test_majority_value_does_not_mutate_input():
    profile = list(PROFILE_A)
    majority_value(profile)
    assert profile == PROFILE_A


def test_tie_break_decides_between_equal_majority_grades():
    # Both are "Bien"; the second terms are 4 (A) vs 2 (B), so A wins even
    # though B has two "Excellent". Balinski-Laraki gauge agrees: A has 2
    # grades above Bien vs 1 below (Bien+), B has 2 above vs 2 below (Bien-).
    assert rank({"B": PROFILE_B, "A": PROFILE_A}) == [("A", 4), ("B", 4)]


def test_rank_puts_empty_profiles_last_in_input_order():
    only_reject = [1, 0, 0, 0, 0, 0, 0]  # majority grade 0, still above no votes
    profiles = {
        "x": EMPTY,
        "b": PROFILE_B,
        "c": only_reject,
        "a": PROFILE_A,
        "y": EMPTY,
    }
    assert rank(profiles) == [
        ("a", 4),
        ("b", 4),
        ("c", 0),
        ("x", None),
        ("y", None),
    ]


def test_rank_exact_ties_keep_input_order():
    better = [0, 0, 0, 0, 0, 3, 0]  # Très bien
    assert rank({"p": PROFILE_A, "q": list(PROFILE_A), "r": better}) == [
        ("r", 5),
        ("p", 4),
        ("q", 4),
    ]
    assert rank({"q": PROFILE_A, "p": list(PROFILE_A)}) == [("q", 4), ("p", 4)]


def test_rank_different_totals_compare_as_shares():
    # Padded profiles share one total; if not, ideas compare as shares of their own totals:
    # one Bien out of one is the same result as two out of two (no prefix ranks lower any more).
    assert rank({"one": [0, 0, 0, 0, 1, 0, 0], "two": [0, 0, 0, 0, 2, 0, 0]}) == [
        ("one", 4),
        ("two", 4),
    ]


def test_rank_empty_mapping():
    assert rank({}) == []


@pytest.mark.parametrize(
    "bad",
    [
        [0, 0, 0, 0, 0, 0],  # 6 counts
        [0, 0, 0, 0, 0, 0, 0, 0],  # 8 counts
        [0, 0, 0, -1, 0, 0, 0],  # negative
        [0, 0, 0, 1.0, 0, 0, 0],  # float
        [0, 0, 0, True, 0, 0, 0],  # bool
        "0000000",  # string of length 7
        None,
    ],
)
def test_invalid_profile_raises(bad):
    for func in (majority_grade, majority_value, explain):
        with pytest.raises(ValueError):
            func(bad)
    with pytest.raises(ValueError):
        rank({"k": bad})


def test_tuple_profile_accepted():
    assert majority_grade((0, 0, 0, 0, 5, 0, 0)) == 4


def test_explain_example_sentence():
    # 12 votes: 5 Assez bien, 4 Bien, 3 Très bien. Position 6 -> Bien.
    # Bien or better: 7/12 = 58.3 % -> 58; below: 100 - 58 = 42.
    assert explain([0, 0, 0, 5, 4, 3, 0]) == (
        "Mention majoritaire : Bien — 58 % des participants ont donné « Bien » ou mieux, 42 % « Assez bien » ou moins."
    )


def test_explain_rounds_half_up_and_sums_to_100():
    # 8 votes: 3 Passable, 5 Bien. Position 4 -> Bien.
    # Bien or better: 5/8 = 62.5 % -> 63 (half up); below: 100 - 63 = 37.
    assert explain([0, 0, 3, 0, 5, 0, 0]) == (
        "Mention majoritaire : Bien — 63 % des participants ont donné « Bien » ou mieux, 37 % « Assez bien » ou moins."
    )


def test_explain_lowest_grade_has_no_below_clause():
    # 4 votes: 3 À rejeter, 1 Excellent. Position 2 -> À rejeter.
    assert explain([3, 0, 0, 0, 0, 0, 1]) == (
        "Mention majoritaire : À rejeter — 100 % des participants ont donné « À rejeter » ou mieux."
    )


def test_explain_empty():
    assert explain(EMPTY) == "Aucune évaluation"


# --- incomplete ballots (issue 17) -------------------------------------------
#
# Convention (docs/votes.md): everyone who graded at least one idea counts for every
# idea; an idea they did not grade counts as « À rejeter » (grade 0).

from fractions import Fraction  # noqa: E402
from math import lcm  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from app.lib.majority import compare, complete, ordered, shares  # noqa: E402


def test_counterexample_more_rejections_never_rank_higher():
    # 5 voters; X got « À rejeter » twice, Y once, nobody else graded them. Padded, both are
    # five « À rejeter »: a tie, never X above Y.
    x = complete(profile_from_grades([0, 0]), 5)
    y = complete(profile_from_grades([0]), 5)
    assert x == y == [5, 0, 0, 0, 0, 0, 0]
    assert ordered({"X": x, "Y": y}) == [("X", 1), ("Y", 1)]


def test_counterexample_fewer_grades_do_not_win():
    # Z = Bien, Bien, Excellent (two abstentions -> À rejeter); W = Insuffisant, Bien, Bien, Très bien, Excellent.
    z = complete(profile_from_grades([4, 4, 6]), 5)
    w = complete(profile_from_grades([1, 4, 4, 5, 6]), 5)
    assert majority_grade(z) == majority_grade(w) == 4
    assert majority_value(z) == (4, 0, 4, 0, 6) and majority_value(w) == (4, 4, 5, 1, 6)
    assert ordered({"Z": z, "W": w}) == [("W", 1), ("Z", 2)]


def test_complete_refuses_more_grades_than_voters():
    with pytest.raises(ValueError):
        complete([0, 0, 0, 0, 3, 0, 0], 2)


def test_weighted_profiles_compare_exactly():
    # One college of 3 and one of 1, equal weights: each ballot weighs 1/6 and 1/2.
    big, small = Fraction(1, 6), Fraction(1, 2)
    a = [0, 0, 0, 0, 3 * big, 0, small]  # Bien x3 (big), Excellent (small)
    b = [0, 0, small, 0, 0, 0, 3 * big]  # Passable (small), Excellent x3 (big)
    assert majority_grade(a) == 4 and majority_grade(b) == 2  # the small college weighs half
    assert compare(b, a) < 0 and shares(a)[4] == Fraction(1, 2)
    assert explain(a, "des voix pondérées") == (
        "Mention majoritaire : Bien — 100 % des voix pondérées ont donné « Bien » ou mieux, "
        "0 % « Assez bien » ou moins."
    )
    with pytest.raises(ValueError):
        compare([0.5, 0, 0, 0, 0, 0, 0], a)  # floats are refused: weights are exact


# An independent implementation of the convention, written differently on purpose: ballots are
# lists of grades, abstentions are filled in per voter, the majority value is computed by literally
# removing the lower median from the sorted list, and ranks come from comparing those tuples.
# Weighted ballots are replicated (each college's ballots carry its weight) instead of scaled.


def _reference_ranks(ballots: list[dict], n_ideas: int, copies=None) -> dict[int, int]:
    voters = [(i, b) for i, b in enumerate(ballots) if b]
    values = {}
    for idea in range(n_ideas):
        grades = []
        for index, ballot in voters:
            grades += [ballot.get(idea, 0)] * (copies[index] if copies else 1)
        grades.sort()
        seq = []
        while grades:
            seq.append(grades.pop((len(grades) - 1) // 2))
        values[idea] = tuple(seq)
    return {idea: 1 + sum(1 for other in values.values() if other > values[idea]) for idea in values}


def _profiles(ballots: list[dict], n_ideas: int) -> dict[int, list[int]]:
    voters = sum(1 for b in ballots if b)
    return {
        idea: complete(profile_from_grades([b[idea] for b in ballots if idea in b]), voters) for idea in range(n_ideas)
    }


def _ballots(n_ideas: int):
    ballot = st.dictionaries(st.integers(0, n_ideas - 1), st.integers(0, 6), max_size=n_ideas)
    return st.lists(ballot, min_size=1, max_size=9)


@settings(max_examples=1500, deadline=None, derandomize=True)  # ~5,000 random idea profiles
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(st.just(n), _ballots(n))))
def test_property_incomplete_ballots_match_an_independent_implementation(case):
    n_ideas, ballots = case
    got = dict(ordered(_profiles(ballots, n_ideas)))
    assert got == _reference_ranks(ballots, n_ideas)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.integers(1, 5).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(1, 4), _ballots(n)), min_size=1, max_size=3
            ),  # (weight, ballots) per college
        )
    )
)
def test_property_weighted_colleges_match_replicated_ballots(case):
    n_ideas, colleges = case
    sizes = [sum(1 for b in ballots if b) for _w, ballots in colleges]
    common = lcm(*[s for s in sizes if s] or [1])
    weighted = {i: [Fraction(0)] * 7 for i in range(n_ideas)}
    every, copies = [], []
    for (weight, ballots), size in zip(colleges, sizes, strict=True):
        if not size:
            continue
        for idea, profile in _profiles(ballots, n_ideas).items():
            weighted[idea] = [a + Fraction(weight, size) * b for a, b in zip(weighted[idea], profile, strict=True)]
        voters = [b for b in ballots if b]
        every += voters
        copies += [weight * common // size] * len(voters)
    got = dict(ordered(weighted))
    if not every:
        assert set(got.values()) == {1}
        return
    assert got == _reference_ranks(every, n_ideas, copies)
