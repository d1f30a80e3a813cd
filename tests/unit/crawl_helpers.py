"""Every GET route of the app as a URL to fetch (test_content_type, test_i18n_pages)."""

import re

PARAMETER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


def get_urls(app, values: dict, per_endpoint: dict | None = None) -> list[tuple[str, str]]:
    """(endpoint, url) of every GET route; a URL parameter takes `per_endpoint[endpoint][name]`, else
    `values[name]`, else 1."""
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        these = {**values, **(per_endpoint or {}).get(rule.endpoint, {})}
        out.append((rule.endpoint, PARAMETER.sub(lambda m, these=these: str(these.get(m.group(1), 1)), rule.rule)))
    return out
