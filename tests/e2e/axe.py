"""Accessibility checks with axe-core, injected into a Playwright page.

axe-core comes from npm (package.json, package-lock.json): ``npm ci`` puts it in
node_modules/, and ``make test`` does that for you.
"""

from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
REPORTED_IMPACTS = ("serious", "critical")


def run_axe(page, *, impacts=REPORTED_IMPACTS, options: dict | None = None) -> list[dict]:
    """Run axe-core on the page as it is now; return the violations of the given impacts.

    Each violation is axe's own dict: ``id``, ``impact``, ``help``, ``helpUrl``,
    ``nodes`` (each with ``target`` and ``failureSummary``), ...
    """
    if not AXE_JS.is_file():
        pytest.fail(
            f"{AXE_JS} is missing: the accessibility checks need axe-core from npm.\n"
            "Install it from the repo root with:  npm ci   (make test does it)",
            pytrace=False,
        )
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, not added as a <script>: the site's
        # Content-Security-Policy refuses inline scripts, and the tests watch for that.
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
        if not page.evaluate("() => typeof window.axe === 'object'"):
            pytest.fail("axe-core did not load into the page.", pytrace=False)
    results = page.evaluate(
        "async (options) => await window.axe.run(document, options)",
        options or {"resultTypes": ["violations"]},
    )
    return [v for v in results["violations"] if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    """A readable summary of ``run_axe``'s result, for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}")
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)
