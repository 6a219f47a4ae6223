"""HTML of the dashboard's pages: plain server-rendered HTML and CSS, readable without JavaScript and on a
phone. Every value is escaped; every sentence comes from bot.insight.wording."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from adapters.web.charts import bars, meter
from bot.insight.export import FILES
from bot.insight.health import Bucket, Health, PairSummary
from bot.insight.wording import (
    CHECKIN_LABELS,
    EXPORT_LABELS,
    PAGE,
    PRIVACY_NOTE,
    STATE_LABELS,
    TIMELINE_LABELS,
    risk_text,
)

CSS = """
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;
background:#f6f7f9}header{background:#1d3557;color:#fff;padding:.7rem 1rem;display:flex;flex-wrap:wrap;
gap:.6rem;align-items:center;justify-content:space-between}header h1{font-size:1.15rem;margin:0}
header a,header button{color:#fff}main{max-width:1100px;margin:0 auto;padding:1rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr));gap:1rem}
section{background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:1rem}
h2{font-size:1.05rem;margin:0 0 .5rem}svg.chart{width:100%;height:auto;display:block}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{padding:.25rem .4rem;text-align:right;
border-bottom:1px solid #eee}td:first-child,th:first-child{text-align:left}
.num{font-size:1.6rem;font-weight:600}
.kpis{display:flex;flex-wrap:wrap;gap:1rem}.kpis div{min-width:8rem}.muted{color:#666;font-size:.85rem}
button,.button{background:#1d3557;color:#fff;border:0;border-radius:6px;padding:.45rem .8rem;font:inherit;
cursor:pointer;text-decoration:none;display:inline-block}.flash{background:#e8f4ea;border:1px solid #9cc9a5;
padding:.6rem 1rem;border-radius:6px;margin-bottom:1rem}.error{background:#fdecea;border-color:#e5a39b}
nav a{margin-right:.8rem;display:inline-block;white-space:nowrap}form.inline{display:inline}
.risk td{vertical-align:middle;text-align:left}
"""


def layout(title: str, body: str, *, signout_csrf: str | None = None) -> str:
    signout = (
        f'<form method="post" action="/dashboard/signout" class="inline">'
        f'<input type="hidden" name="csrf" value="{escape(signout_csrf)}">'
        f'<button type="submit">{escape(PAGE["signout"])}</button></form>'
        if signout_csrf
        else ""
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<header><h1>{escape(title)}</h1>{signout}</header><main>{body}</main></body></html>"
    )


def _md(text: str) -> str:
    """`code` spans in wording become <code>."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def signin_page(*, slack: bool, discord: bool, message: str | None = None) -> str:
    body = [f"<section><h2>{escape(PAGE['signin_title'])}</h2><p>{_md(PAGE['signin_intro'])}</p>"]
    if message:
        body.insert(0, f'<p class="flash error">{_md(message)}</p>')
    if slack:
        body.append(
            f'<p><a class="button" href="/dashboard/signin/slack">{escape(PAGE["signin_slack"])}</a></p>'
        )
    if discord:
        body.append(
            f'<p><a class="button" href="/dashboard/signin/discord">{escape(PAGE["signin_discord"])}</a></p>'
        )
    body.append(
        f'<p class="muted">{_md(PAGE["signin_console"] if slack or discord else PAGE["signin_none"])}</p>'
    )
    body.append("</section>")
    return layout(PAGE["signin_title"], "".join(body))


def _label(start: date, period: str) -> str:
    return start.strftime("%b") if period == "month" else f"{start.day} {start.strftime('%b')}"


def _series_table(buckets: Sequence[Bucket], keys: Sequence[str], names: dict[str, str], period: str) -> str:
    head = "".join(f"<th>{escape(names[k])}</th>" for k in keys)
    rows = "".join(
        f"<tr><td>{escape(_label(b.start, period))}</td>"
        + "".join(f"<td>{b.counts.get(k, 0)}</td>" for k in keys)
        + "</tr>"
        for b in reversed(buckets)
    )
    return (
        f'<details><summary class="muted">{escape(PAGE["period"])} · numbers</summary>'
        f"<table><tr><th>{escape(PAGE['period'])}</th>{head}</tr>{rows}</table></details>"
    )


def _chart(
    title: str,
    buckets: Sequence[Bucket],
    keys: Sequence[str],
    names: dict[str, str],
    period: str,
    stacked: bool = True,
) -> str:
    labels = [_label(b.start, period) for b in buckets]
    series = [(names[k], [b.counts.get(k, 0) for b in buckets]) for k in keys]
    return bars(title, labels, series, stacked=stacked) + _series_table(buckets, keys, names, period)


def _kv(pairs: Sequence[tuple[str, object]]) -> str:
    return (
        "<table>"
        + "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in pairs)
        + "</table>"
    )


def _none(value: float | None) -> str:
    return PAGE["none"] if value is None else f"{value:g}"


def program_page(h: Health, csrf: str, flash: str | None = None) -> str:
    p = h.period
    other = "month" if p == "week" else "week"
    parts = []
    if flash:
        parts.append(f'<p class="flash" role="status">{escape(flash)}</p>')
    parts.append(
        f'<nav><a href="/dashboard?period={other}">{escape(PAGE["monthly" if p == "week" else "weekly"])}</a>'
        + "".join(
            f'<a href="/dashboard/export/{name}.csv" download>{escape(PAGE["export"])}: '
            f"{escape(EXPORT_LABELS[name])}</a>"
            for name in FILES
        )
        + f'</nav><p class="muted">{escape(PRIVACY_NOTE)}</p>'
    )
    last = h.checkins[-2] if len(h.checkins) > 1 else h.checkins[-1]
    parts.append(
        '<section><div class="kpis">'
        f'<div><div class="num" id="kpi-active">{h.by_state["active"]}</div>'
        f"{escape(STATE_LABELS['active'])}</div>"
        f'<div><div class="num" id="kpi-at-risk">{len(h.at_risk)}</div>{escape(PAGE["at_risk_kpi"])}</div>'
        f'<div><div class="num" id="kpi-held">{last.counts["held"]}</div>{escape(CHECKIN_LABELS["held"])} '
        f"({escape(_label(last.start, p))})</div>"
        f'<div><div class="num" id="kpi-overdue">{h.actions.overdue}</div>{escape(PAGE["overdue"])}</div>'
        "</div></section>"
    )
    rows = []
    for r in h.at_risk:
        rows.append(
            f'<tr><td><a href="/dashboard/pairs/{r.mentorship_id}">{escape(r.mentor_name)} &amp; '
            f"{escape(r.mentee_name)}</a></td><td>{escape(risk_text(r))}</td><td>"
            f'<form method="post" action="/dashboard/pairs/{r.mentorship_id}/nudge" class="inline">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            f'<button type="submit" name="nudge" value="{r.mentorship_id}">{escape(PAGE["nudge"])}</button>'
            "</form></td></tr>"
        )
    risk = (
        f'<table class="risk" id="at-risk">{"".join(rows)}</table>'
        if rows
        else f"<p>{escape(PAGE['at_risk_none'])}</p>"
    )
    parts.append(f'<section id="risk"><h2>{escape(PAGE["at_risk"])} ({len(h.at_risk)})</h2>{risk}</section>')
    grid = []
    grid.append(
        f'<section id="mentorships"><h2>{escape(PAGE["mentorships_time"])}</h2>'
        + _chart(PAGE["mentorships_time"], h.mentorships_over_time, list(TIMELINE_LABELS), TIMELINE_LABELS, p)
        + f"<h2>{escape(PAGE['by_state'])}</h2>"
        + _kv([(STATE_LABELS[k], v) for k, v in h.by_state.items()])
        + f"<h2>{escape(PAGE['by_stage'])}</h2>"
        + _kv(list(h.by_stage.items()))
        + "</section>"
    )
    grid.append(
        f'<section id="checkins"><h2>{escape(PAGE["checkins"])}</h2>'
        + _chart(PAGE["checkins"], h.checkins, list(CHECKIN_LABELS), CHECKIN_LABELS, p)
        + "</section>"
    )
    a = h.actions
    action_names = {"opened": PAGE["opened"], "closed": PAGE["closed"]}
    grid.append(
        f'<section id="actions"><h2>{escape(PAGE["actions"])}</h2>'
        + _chart(PAGE["actions"], a.per_period, ["opened", "closed"], action_names, p, stacked=False)
        + _kv(
            [
                (PAGE["opened"], a.opened),
                (PAGE["closed"], a.closed),
                (PAGE["open_now"], a.open_now),
                (PAGE["overdue"], a.overdue),
                (PAGE["median_close"], _none(a.median_days_to_close)),
            ]
        )
        + "</section>"
    )
    m = h.matching
    grid.append(
        f'<section id="matching"><h2>{escape(PAGE["matching"])}</h2>'
        + f"<p>{escape(PAGE['capacity'])}</p>"
        + meter(PAGE["capacity"], m.capacity_used, m.capacity)
        + _kv(
            [
                (PAGE["mentors"], m.mentors),
                (PAGE["waiting"], m.requests_waiting),
                (PAGE["median_match"], _none(m.median_hours_to_match)),
                (PAGE["expired"], m.requests_expired),
            ]
        )
        + "</section>"
    )
    sessions = list(reversed(h.office_hours))
    if sessions:
        labels = [s.scheduled_at.strftime("%d %b") for s in sessions]
        chart = bars(
            PAGE["office_hours"],
            labels,
            [
                (PAGE["rsvps"], [s.rsvps for s in sessions]),
                (PAGE["asked"], [s.asked for s in sessions]),
                (PAGE["answered"], [s.answered for s in sessions]),
            ],
            stacked=False,
        )
        table = "".join(
            f"<tr><td>{escape(s.scheduled_at.strftime('%Y-%m-%d %H:%M'))} UTC · {escape(s.topic)} · "
            f"{escape(s.state)}</td><td>{s.rsvps}</td><td>{s.asked}</td><td>{s.answered}</td></tr>"
            for s in h.office_hours
        )
        oh = (
            chart + f"<table><tr><th></th><th>{escape(PAGE['rsvps'])}</th><th>{escape(PAGE['asked'])}</th>"
            f"<th>{escape(PAGE['answered'])}</th></tr>{table}</table>"
        )
    else:
        oh = f"<p>{escape(PAGE['office_hours_none'])}</p>"
    grid.append(f'<section id="office-hours"><h2>{escape(PAGE["office_hours"])}</h2>{oh}</section>')
    parts.append(f'<div class="grid">{"".join(grid)}</div>')
    title = f"{PAGE['title']} · {h.workspace_name}"
    return layout(title, "".join(parts), signout_csrf=csrf)


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at is not None else PAGE["none"]


def pair_page(s: PairSummary, csrf: str, flash: str | None = None) -> str:
    parts = [f'<p><a href="/dashboard">{escape(PAGE["back"])}</a></p>']
    if flash:
        parts.append(f'<p class="flash" role="status">{escape(flash)}</p>')
    parts.append(
        f"<section><h2>{escape(s.mentor_name)} &amp; {escape(s.mentee_name)}</h2>"
        + _kv(
            [
                ("state", s.state),
                ("stage", s.stage),
                ("focus", s.focus or PAGE["none"]),
                ("created", _when(s.created_at)),
                ("started", _when(s.activated_at)),
                ("ended", _when(s.ended_at)),
                ("last activity", _when(s.last_activity_at)),
                *[(f"check-ins {k}", v) for k, v in s.checkins.items()],
                ("open action items", s.open_items),
                ("overdue action items", s.overdue_items),
            ]
        )
    )
    if s.state == "active":
        parts.append(
            f'<form method="post" action="/dashboard/pairs/{s.mentorship_id}/nudge">'
            f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
            '<input type="hidden" name="back" value="pair">'
            f'<button type="submit">{escape(PAGE["nudge"])}</button></form>'
        )
    parts.append("</section>")
    nudges = "".join(
        f"<tr><td>{escape(n.to_name)}</td><td>{escape(_when(n.due_at))}</td><td>{escape(n.status)}</td></tr>"
        for n in s.nudges
    )
    parts.append(
        f'<section id="nudges"><h2>{escape(PAGE["nudges"])}</h2>'
        + (f"<table>{nudges}</table>" if nudges else f"<p>{escape(PAGE['nudges_none'])}</p>")
        + f'<p class="muted">{escape(PRIVACY_NOTE)}</p></section>'
    )
    return layout(f"{PAGE['pair']} · {s.mentor_name} & {s.mentee_name}", "".join(parts), signout_csrf=csrf)


def not_found_page() -> str:
    return layout(
        PAGE["not_found"],
        f'<p>{escape(PAGE["not_found"])}</p><p><a href="/dashboard">{escape(PAGE["back"])}</a></p>',
    )
