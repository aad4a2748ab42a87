"""Report formats, in one static registry: each is a pure `render(verdict, options) -> str`.

A format's module is imported when a run first asks for it: a run writing JSON need not
load the console's terminal library or the HTML page's templates."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping

from gate.reports.base import RenderOptions
from gate.verdict import Verdict

Renderer = Callable[[Verdict, RenderOptions], str]


class _Registry(Mapping[str, Renderer]):
    """Format name to render function, each imported from its module on first use."""

    def __init__(self, places: dict[str, tuple[str, str]]) -> None:
        self._places = places

    def __getitem__(self, fmt: str) -> Renderer:
        module, function = self._places[fmt]
        found: Renderer = getattr(importlib.import_module(f"gate.reports.{module}"), function)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


RENDERERS: Mapping[str, Renderer] = _Registry(
    {
        "console": ("console", "render_console"),
        "json": ("json_report", "render_json"),
        "sarif": ("sarif", "render_sarif"),
        "junit": ("junit", "render_junit"),
        "markdown": ("markdown", "render_markdown"),
        "github": ("github", "render_github"),
        "html": ("html", "render_html"),
        "gitlab-sast": ("gitlab", "render_gitlab_sast"),
    }
)

__all__ = ["RENDERERS", "RenderOptions", "Renderer"]
