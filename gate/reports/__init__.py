"""Report formats, in one static registry: each is a pure `render(verdict, options) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from gate.reports.base import RenderOptions
from gate.reports.console import render_console
from gate.reports.github import render_github
from gate.reports.gitlab import render_gitlab_sast
from gate.reports.html import render_html
from gate.reports.json_report import render_json
from gate.reports.junit import render_junit
from gate.reports.markdown import render_markdown
from gate.reports.sarif import render_sarif
from gate.verdict import Verdict

Renderer = Callable[[Verdict, RenderOptions], str]

RENDERERS: dict[str, Renderer] = {
    "console": render_console,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "markdown": render_markdown,
    "github": render_github,
    "html": render_html,
    "gitlab-sast": render_gitlab_sast,
}

__all__ = ["RENDERERS", "RenderOptions", "Renderer"]
