"""axe-core in the browser tests: inject it into a page and list what breaks WCAG 2.2 A/AA.

axe-core comes from the PyPI package ``axe-playwright-python`` (pinned in
requirements-dev.txt), which ships axe-core's ``axe.min.js``: no CDN and no npm, so
``make test`` needs nothing but Python. Only the script is used, injected with Playwright.
"""

import json
from functools import cache
from importlib.resources import files

from playwright.sync_api import Page

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the page as it is now (an open dialog included) for the WCAG 2.2 A
    and AA rules; its violations, each with id, help and the targets (CSS selectors)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    results = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                      resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "help": violation["help"],
            "targets": [json.dumps(node["target"]) for node in violation["nodes"]],
            "summary": violation["nodes"][0].get("failureSummary", "")
            if violation["nodes"]
            else "",
        }
        for violation in results["violations"]
    ]


def describe(where: str, violations: list[dict]) -> str:
    lines = [f"{where}:"]
    for violation in violations:
        lines.append(f"  {violation['id']}: {violation['help']}")
        for target in violation["targets"][:6]:
            lines.append(f"      {target}")
        if len(violation["targets"]) > 6:
            lines.append(f"      … and {len(violation['targets']) - 6} more")
        lines.append("      " + violation["summary"].replace("\n", " ")[:300])
    return "\n".join(lines)
