"""Jinja2 pages (autoescaping on for every template) and number formatting for them."""

from __future__ import annotations

from pathlib import Path

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _pct(value) -> str:  # noqa: ANN001
    return "" if value is None else f"{value * 100:.1f}%"


def _diff(value) -> str:  # noqa: ANN001
    return "" if value is None else f"{value * 100:+.1f} pp"


def _flag(value) -> str:  # noqa: ANN001
    return {"up": "▲", "down": "▼"}.get(value or "", "")


def make_environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters.update(pct=_pct, diff=_diff, flag=_flag)
    return env


def page(request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:  # noqa: ANN001
    env: Environment = request.app.state.templates
    html = env.get_template(name).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)
