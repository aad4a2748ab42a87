"""One self-contained HTML file for reviewers: opens from a CI artifact, fetches nothing.

The verdict, bar charts of findings by severity and by scanner (inline SVG), and
a table that filters by severity, scanner, status and path (inline script; the
URL fragment `#severity=high&scanner=bandit` opens it filtered), with the fix
advice for every finding.
"""

from __future__ import annotations

import html
from collections import Counter

import gate
from gate.catalogue import guidance
from gate.model import Finding, Severity, Status
from gate.reports.base import (
    RenderOptions,
    displayable,
    function_label,
    function_verdicts,
    issue_source,
    verdict_line,
    web_link,
)
from gate.verdict import Verdict

_COLOURS = {
    "critical": "#7f1d1d",
    "high": "#dc2626",
    "medium": "#d97706",
    "low": "#2563eb",
    "info": "#6b7280",
}

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111}
h1{font-size:1.4rem}.verdict{padding:.6rem 1rem;border-radius:6px;font-weight:600}
.pass{background:#dcfce7}.fail{background:#fee2e2}.error{background:#fef3c7}
.charts{display:flex;gap:3rem;flex-wrap:wrap}table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #e5e7eb;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f9fafb}.sev{color:#fff;border-radius:4px;padding:0 .4rem}
.filters{display:flex;gap:1rem;margin:1rem 0;flex-wrap:wrap}.fix{color:#374151;font-size:.9em}
code{font-size:.9em}
"""

_SCRIPT = """
(function(){
  var inputs = document.querySelectorAll('[data-filter]');
  // A filtered view can be linked to: report.html#severity=high&scanner=bandit
  var wanted = new URLSearchParams(location.hash.slice(1));
  inputs.forEach(function(i){
    if (wanted.has(i.dataset.filter)) i.value = wanted.get(i.dataset.filter);
  });
  function apply(){
    var want = {};
    inputs.forEach(function(i){ want[i.dataset.filter] = i.value.toLowerCase(); });
    var shown = 0;
    document.querySelectorAll('#findings tbody tr').forEach(function(row){
      var ok = Object.keys(want).every(function(k){
        var v = want[k]; if (!v) return true;
        var cell = (row.dataset[k] || '').toLowerCase();
        if (k === 'path') return cell.indexOf(v) !== -1;
        // A finding can belong to several functions: data-function="a|b".
        if (k === 'function') return ('|' + cell + '|').indexOf('|' + v + '|') !== -1;
        return cell === v;
      });
      row.hidden = !ok; if (ok) shown++;
    });
    document.getElementById('shown').textContent = shown;
  }
  inputs.forEach(function(i){
    i.addEventListener('input', apply);
    i.addEventListener('change', apply);
  });
  apply();
})();
"""


def render_html(verdict: Verdict, options: RenderOptions) -> str:
    e = html.escape
    verdict = displayable(verdict)
    decision = verdict.decision.value
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
        f"<title>serverless-gate: {e(decision)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>serverless-gate {e(gate.__version__)}</h1>",
        f'<p class="verdict {e(decision)}" id="verdict">{e(verdict_line(verdict))}</p>',
        f"<p>Policy <code>{e(verdict.policy.source)}</code> · bundles: "
        + ", ".join(f"<code>{e(b.id)}</code>" for b in verdict.bundles)
        + "</p>",
        '<div class="charts">',
        _chart(
            "By severity",
            Counter(f.severity.label for f in verdict.findings),
            [s.label for s in sorted(Severity, reverse=True)],
            _COLOURS,
        ),
        _chart(
            "By scanner",
            Counter(f.scanner for f in verdict.findings),
            [s.scanner for s in verdict.scanners],
            {},
        ),
        "</div>",
        *_notes(verdict),
        *_functions(verdict),
        _filters(verdict),
        _table(verdict.findings),
        f"<script>{_SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _chart(title: str, counts: Counter[str], labels: list[str], colours: dict[str, str]) -> str:
    width, bar = 320, 22
    top = max(counts.values(), default=0) or 1
    rows = []
    for index, label in enumerate(labels):
        y = index * (bar + 6)
        length = int((width - 140) * counts[label] / top)
        colour = colours.get(label, "#4b5563")
        rows.append(
            f'<text x="0" y="{y + 16}">{html.escape(label)}</text>'
            f'<rect x="90" y="{y}" width="{length}" height="{bar}" fill="{colour}"></rect>'
            f'<text x="{95 + length}" y="{y + 16}">{counts[label]}</text>'
        )
    height = len(labels) * (bar + 6)
    return (
        f"<figure><figcaption>{html.escape(title)}</figcaption>"
        f'<svg role="img" width="{width}" height="{height}" font-size="12">{"".join(rows)}</svg>'
        "</figure>"
    )


def _functions(verdict: Verdict) -> list[str]:
    """A row per function: what of it was analysed, and its findings."""
    e = html.escape
    rows = function_verdicts(verdict)
    if not rows:
        return []
    lines = [
        '<h2>Functions</h2><table id="functions"><thead><tr><th>function</th><th>IaC</th>'
        "<th>code</th><th>dependencies</th><th>findings</th><th>blocking</th></tr></thead><tbody>"
    ]
    for row in rows:
        shown = row.coverage
        label = function_label(verdict, row.bundle, (row.function.name,))
        manifests = ", ".join(f"<code>{e(m)}</code>" for m in shown["dependencies"])
        lines.append(
            f"<tr><td><code>{e(label)}</code></td><td><code>{e(shown['iac'])}</code></td>"
            f"<td>{e(shown['code'])}</td><td>{manifests or 'none found'}</td>"
            f"<td>{row.findings}</td><td>{row.blocking}</td></tr>"
        )
    return [*lines, "</tbody></table>"]


def _notes(verdict: Verdict) -> list[str]:
    items = [
        f"<li><b>{html.escape(w.code)}</b>: {html.escape(w.message)}</li>" for w in verdict.warnings
    ]
    items += [
        f"<li><b>error</b> ({html.escape(issue_source(i))}): {html.escape(i.message)}</li>"
        for i in verdict.errors
    ]
    return ["<h2>Notes</h2><ul>", *items, "</ul>"] if items else []


def _select(name: str, values: list[str]) -> str:
    options = "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in values)
    return (
        f'<label>{html.escape(name)} <select data-filter="{html.escape(name)}">'
        '<option value="">all</option>'
        f"{options}</select></label>"
    )


def _filters(verdict: Verdict) -> str:
    names = [f.name for b in verdict.bundles for f in b.functions]
    return (
        '<div class="filters">'
        + _select("severity", [s.label for s in sorted(Severity, reverse=True)])
        + _select("scanner", [s.scanner for s in verdict.scanners])
        + _select("status", [s.value for s in Status])
        + (_select("function", names) if names else "")
        + '<label>path <input data-filter="path" type="search" placeholder="part of a path">'
        + "</label></div>"
        + f'<p><span id="shown">{len(verdict.findings)}</span> of {len(verdict.findings)} '
        "findings shown</p>"
    )


def _table(findings: tuple[Finding, ...]) -> str:
    rows = [_row(f) for f in findings]
    return (
        '<table id="findings"><thead><tr><th>severity</th><th>status</th><th>rule</th>'
        "<th>where</th><th>finding and fix</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _row(f: Finding) -> str:
    e = html.escape
    where = f.location.path if f.bundle == "." else f"{f.bundle}/{f.location.path}"
    if f.location.start_line:
        where += f":{f.location.start_line}"
    status = f.status.value if f.status else ""
    fix = guidance(f.rule_id, f.scanner)[1]
    if f.package and f.package.fixed_versions:
        fix = f"Upgrade {f.package.name} to {', '.join(f.package.fixed_versions)}. {fix}"
    link = web_link(f.help_uri)
    rule = f'<a href="{e(link)}">{e(f.rule_id)}</a>' if link else e(f.rule_id)
    functions = f"<br><small>function {e(', '.join(f.functions))}</small>" if f.functions else ""
    return (
        f'<tr data-severity="{e(f.severity.label)}" data-scanner="{e(f.scanner)}" '
        f'data-status="{e(status)}" data-path="{e(where)}" '
        f'data-function="{e("|".join(f.functions))}">'
        f'<td><span class="sev" style="background:{_COLOURS[f.severity.label]}">'
        f"{e(f.severity.label)}</span></td><td>{e(status)}</td><td>{rule}<br>"
        f"<small>{e(f.scanner)}</small></td><td><code>{e(where)}</code>{functions}</td>"
        f'<td>{e(f.message)}<div class="fix">{e(fix)}</div></td></tr>'
    )
