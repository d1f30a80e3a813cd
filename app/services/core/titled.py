"""Renaming an ordered list of titled rows (workshop columns, roadmap axes) from a list of titles."""

from collections.abc import Callable

from app.services.core.errors import Invalid


def retitle(
    items: list,
    titles: list[str],
    make: Callable[[str, int], object],
    busy: Callable[[object], str | None],
    **error_extra,
) -> None:
    """Rename rows in place and append new ones; trailing rows go only if `busy(row)` gives no reason.

    Raises Invalid with that reason. Mutates `items` (an ORM relationship list).
    """
    existing = list(items)
    for i, title in enumerate(titles):
        if i < len(existing):
            existing[i].title, existing[i].position = title, i
        else:
            items.append(make(title, i))
    for row in existing[len(titles) :]:
        reason = busy(row)
        if reason:
            raise Invalid(reason, **error_extra)
        items.remove(row)
