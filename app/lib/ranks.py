"""Ranks with ties, written once for every place a ranking is shown (docs/votes.md).

Tied results share a rank and are never renumbered: 1, 2, 2, 4. A shared rank
is labelled "2 =" in every human-readable output (results page, projector,
Markdown, CSV, ODT, the minutes); JSON keeps the number in `rank` and says
`tied: true`. Rows from `app.services.workshop.results.ranking` already carry
`rank_label`; anything else that shows ranks calls `rank_label` or
`label_ranks` here.
"""

from collections import Counter
from collections.abc import Iterable


def rank_label(rank: int | None, tied: bool) -> str:
    """ "5" or, when another result has the same rank, "5 =" ("" without a rank)."""
    if rank is None:
        return ""
    return f"{rank} =" if tied else str(rank)


def shared(ranks: Iterable[int | None]) -> set[int]:
    """The ranks held by more than one result."""
    return {r for r, n in Counter(ranks).items() if n > 1 and r is not None}


def label_ranks(rows: list[dict], key: str = "rank") -> list[dict]:
    """Add `tied` and `rank_label` to each row (in place) from its `rank`; returns the rows."""
    ties = shared(row.get(key) for row in rows)
    for row in rows:
        row["tied"] = row.get(key) in ties
        row["rank_label"] = rank_label(row.get(key), row["tied"])
    return rows
