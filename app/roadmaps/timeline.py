"""The roadmap timeline drawn as SVG: pixel geometry for templates/roadmaps/_timeline.html.

The service (`views.timeline`) places dates as fractions of the period shown;
this turns them into coordinates of a fixed-size drawing.
"""

WIDTH, LABEL_W, PAD, ROW_H, TOP = 960, 330, 16, 30, 44
LABEL_CHARS = 44
DIAMOND_R = 6


def svg_timeline(line: dict) -> dict:
    """Quarter ticks, one row per dated action (span, due marker, milestone diamonds), today's line."""

    def x(at: float) -> float:
        return round(LABEL_W + at * (WIDTH - LABEL_W - PAD), 1)

    ticks = [
        {"x": x(q["start"]), "mid": round((x(q["start"]) + x(q["end"])) / 2, 1), "label": q["label"]}
        for q in line["quarters"]
    ]
    rows = [_row(row, index, x) for index, row in enumerate(line["rows"])]
    return {
        "width": WIDTH,
        "height": TOP + ROW_H * max(len(rows), 1) + PAD,
        "label_w": LABEL_W,
        "top": TOP,
        "ticks": ticks,
        "rows": rows,
        "today_x": x(line["today"]) if line["today"] is not None else None,
        "undated": line["undated"],
        "right": WIDTH - PAD,
    }


def _row(row: dict, index: int, x) -> dict:
    y = TOP + ROW_H * index + ROW_H / 2
    title = row["action"]["title"]
    return {
        "action": row["action"],
        "y": y,
        "label": title if len(title) <= LABEL_CHARS else title[: LABEL_CHARS - 1] + "…",
        "x1": x(row["start"]),
        "x2": x(row["end"]),
        "due_x": x(row["due"]) if row["due"] is not None else None,
        "milestones": [{**m, "x": x(m["at"]), "points": _diamond(x(m["at"]), y)} for m in row["milestones"]],
    }


def _diamond(cx: float, cy: float, r: float = DIAMOND_R) -> str:
    return f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}"
