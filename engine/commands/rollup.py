"""The batch summary: municipality × area, counts by status, grouped by prefecture.

Rendered as a table, CSV (UTF-8 with BOM, CRLF), JSON or a self-contained HTML heat map: its
cells are coloured by the worst status (green when every requirement of the area is met) and
link to the municipality's HTML report filtered to that area (`<id>.html#area=<area>`, the
filter the report reads); it shows the evaluation date, the catalog editions, each row's data
date and basis, totals per prefecture and nationally, per-area stacked bars (inline SVG) and
sorts its rows (a small inline script, allowed by its hash in the page's CSP).
"""
from __future__ import annotations

import html
import json
from typing import Callable

from .batch import Matrix, worst
from ..load.models import FINDING_STATUSES
from ..labels import LABELS, STATUS_SHORT as SHORT
from ..load import jdate
from ..report.formats.html import FONT_STACK

# every state has a colour: the worst status of a cell, and ok (green) for an area without open
# findings (every requirement met); None only where nothing was evaluated
COLOURS = {"overdue": "#d73027", "unverified": "#b07cc6", "due_soon": "#fc8d59", "gap": "#fee08b",
           "unassessed": "#d9d9d9", "waived": "#91bfdb", "not_applicable": "#e3eedd", "ok": "#1a9850",
           None: "#ffffff"}
DARK = ("overdue", "ok", "unverified")       # white text on these


NOT_RETURNED = {"ja": "未提出", "en": "no data"}


def _short_name(n: str) -> str:
    """An area's name up to its parenthesis: 地方公共団体情報システムの標準化（…） -> its first part."""
    for mark in ("（", " ("):
        i = n.find(mark)
        if i > 0:
            return n[:i]
    return n
NOT_RETURNED_LONG = {"ja": "未提出（調査票の回答・プロファイルなし）", "en": "sent nothing back (no profile)"}


def _cell(counts: dict[str, int], lang: str) -> str:
    parts = [f"{SHORT[lang][s]}{counts[s]}" for s in FINDING_STATUSES if counts.get(s)]
    return " ".join(parts) or "-"


def cell_state(counts: dict[str, int]) -> str:
    """The state a heat-map cell shows: the worst status among its findings; ok when it has none
    (a batch lists no passed requirement: an area without findings has every requirement met)."""
    return worst(counts) or "ok"


def to_dict(m: Matrix) -> dict:
    return {
        "areas": m.areas,
        "area_names": {a: m.area_names.get(a, a) for a in m.areas},
        "catalogs": m.editions,
        "as_of": next((o.as_of for o in m.rows if o.as_of), None),
        "prefectures": [
            {"code": code, "name": name,
             "municipalities": [{"id": o.profile_id, "name": o.name, "code": o.code, "path": o.path,
                                 "data_as_of": o.data_as_of or None, "basis": o.basis, "stale": o.stale,
                                 "areas": {a: o.counts.get(a, {}) for a in m.areas},
                                 "worst": {a: worst(o.counts.get(a, {})) for a in m.areas}}
                                for o in rows],
             "not_returned": [{"code": c, "name": n} for c, n, _ in m.missing_in(code)]}
            for code, name, rows in m.by_prefecture()],
        "failed": [{"path": o.path, "error": o.error} for o in m.failed],
    }


def render_json(m: Matrix, lang: str) -> str:
    return json.dumps(to_dict(m), ensure_ascii=False, indent=2) + "\n"


def render_table(m: Matrix, lang: str) -> str:
    ja = lang == "ja"
    rows = []
    for code, name, group in m.by_prefecture():
        for o in group:
            rows.append([name, o.code, o.name] + [_cell(o.counts.get(a, {}), lang) for a in m.areas])
        for c, n, _ in m.missing_in(code):
            rows.append([name, c, n] + [NOT_RETURNED[lang]] * len(m.areas))
    head = (["都道府県" if ja else "Prefecture", "コード" if ja else "Code", "団体" if ja else "Municipality"]
            + [_short_name(m.area_names.get(a) or a) for a in m.areas])
    from ..report.formats.fit import fit_table, terminal_width

    out = fit_table(rows, head, terminal_width()) + "\n"
    n_ok = sum(len(g) for _, _, g in m.by_prefecture())
    out += (f"\n{n_ok}団体を評価、{len(m.failed)}件のプロファイルはエラーのため除外\n" if ja else
            f"\n{n_ok} municipalities evaluated, {len(m.failed)} profile(s) skipped with errors\n")
    if m.missing:
        out += (f"未提出 {len(m.missing)}団体（--expected の一覧にあり、プロファイルがない）\n" if ja else
                f"{len(m.missing)} expected municipalities sent nothing back (in --expected, no profile)\n")
    for o in m.failed:
        out += "  " + (o.error or {}).get(lang, "").replace("\n", "\n  ") + "\n"
    return out


def render_csv(m: Matrix, lang: str) -> str:
    """One row per municipality and area. In Japanese the headings, the area and the worst status
    are words (the catalog's name, 期限超過 …); in English the IDs, for scripts."""
    from ..labels import SUMMARY_CSV_HEADINGS
    from ..report.csvio import write_csv

    ja = lang == "ja"
    L = LABELS[lang]["status_names"]

    def area(a: str) -> str:
        return (m.area_names.get(a) or a) if ja else a

    def state(s: str | None) -> str:
        return (L.get(s, s) if ja else s) if s else ""

    def rows():
        for code, name, group in m.by_prefecture():
            for o in group:
                for a in m.areas:
                    c = o.counts.get(a, {})
                    yield ([code, name, o.code, o.name, o.profile_id, area(a), state(worst(c))]
                           + [c.get(s, 0) for s in FINDING_STATUSES])
            for c, n, _ in m.missing_in(code):
                yield [code, name, c, n, "", "", NOT_RETURNED[lang] if ja else "not_returned"] + [""] * len(FINDING_STATUSES)
        for o in m.failed:
            yield ["", "", "", "", "", "", "エラー" if ja else "error"] + [""] * len(FINDING_STATUSES) + [o.path]

    H = SUMMARY_CSV_HEADINGS[lang]
    head = [H[k] for k in ("prefecture_code", "prefecture", "code", "municipality", "id", "area", "worst")]
    return write_csv(head + [L[s] if ja else s for s in FINDING_STATUSES], rows())


_HEAT_CSS = ("body{font-family:" + FONT_STACK + ";margin:1em;color:#1a1a1a}"
             "h1{font-size:1.3rem;margin:0 0 .4rem}h2{font-size:1.05rem;margin:1rem 0 .4rem}"
             "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.3rem 0 .6rem}"
             "dl.meta dt{color:#5c5c5c}dl.meta dd{margin:0}"
             "table{border-collapse:collapse;font-size:12px}"
             "th,td{border:1px solid #999;padding:3px 6px;text-align:left;vertical-align:top}"
             "thead th{background:#eef1f5;cursor:pointer;user-select:none}thead th.k{white-space:nowrap}"
             "thead th[aria-sort=ascending]::after{content:\" \\25B2\"}thead th[aria-sort=descending]::after{content:\" \\25BC\"}"
             "td.k{white-space:nowrap}td.c{padding:0}td.c a,td.c span{display:block;padding:3px 6px;color:#000;text-decoration:none}"
             "td.c.dark a,td.c.dark span{color:#fff}"
             "th.pref{background:#e4e4e4;cursor:default}tr.total td,tr.total th{font-weight:bold}"
             "tfoot th,tfoot td{border-top:2px solid #555;font-weight:bold}"
             ".stale{color:#b35900;font-weight:bold}.muted{color:#5c5c5c}"
             ".legend{display:flex;flex-wrap:wrap;gap:.2rem .6rem;margin:.3rem 0}"
             ".legend span{display:inline-block;padding:2px 8px;border:1px solid #999}"
             ".legend span.dark{color:#fff}"
             "svg.chart{display:block;max-width:100%;height:auto;font-size:12px}svg.chart text{fill:#1a1a1a}"
             "svg.chart text.in{fill:#000}"
             "@media print{@page{size:A4 landscape}thead th{cursor:default}}"
             # the colours by class, not in style attributes, which the Content-Security-Policy forbids
             + "".join(f".s-{s or 'none'}{{background:{c}}}" for s, c in COLOURS.items())
             + "".join(f".f-{s}{{fill:{c}}}" for s, c in COLOURS.items() if s))

# sorts the rows of each prefecture (a <tbody>) by the column clicked, the totals staying last
_HEAT_JS = """(function(){"use strict";
var t=document.getElementById("heat");if(!t){return;}
var heads=Array.prototype.slice.call(t.tHead.rows[0].cells);
heads.forEach(function(th,i){th.setAttribute("tabindex","0");
function sort(){var dir=th.getAttribute("aria-sort")==="ascending"?-1:1;
heads.forEach(function(h){h.removeAttribute("aria-sort");});
th.setAttribute("aria-sort",dir===1?"ascending":"descending");
Array.prototype.forEach.call(t.tBodies,function(tb){
var rows=Array.prototype.filter.call(tb.rows,function(r){return r.classList.contains("m");});
var tail=Array.prototype.filter.call(tb.rows,function(r){return r.classList.contains("total");});
function key(r){var c=r.cells[i],v=c.getAttribute("data-sort");return v===null?c.textContent.trim():v;}
var o=rows.map(function(r,k){return [key(r),k,r];});
o.sort(function(a,b){var x=a[0],y=b[0],nx=Number(x),ny=Number(y);
if(x!==""&&y!==""&&!isNaN(nx)&&!isNaN(ny)){x=nx;y=ny;}
if(x<y){return -dir;}if(x>y){return dir;}return a[1]-b[1];});
o.forEach(function(e){tb.appendChild(e[2]);});tail.forEach(function(r){tb.appendChild(r);});});}
th.addEventListener("click",sort);
th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();sort();}});});
})();"""


def _href(link: str, profile_id: str, code: str, area: str) -> str:
    """A relative link to a municipality's HTML report, filtered to one area
    (`<id>.html#area=<area>`, the filter the report reads from its address), that can never be a
    `javascript:` (or any other scheme) link: every character but / and an existing %-escape
    percent-encoded (so no ':' remains, and a backslash is no separator; the folder names were
    encoded once by batch._relative_link and are not encoded again), and a leading / prefixed
    with ./ (no absolute or network-path reference)."""
    from urllib.parse import quote

    href = quote(link.format(id=quote(profile_id, safe=""), code=quote(code, safe="")), safe="/%")
    if href.startswith("/"):
        href = "./" + href
    return href + "#area=" + quote(area, safe="")


def _sum(counts: list[dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in counts:
        for k, v in c.items():
            out[k] = out.get(k, 0) + v
    return out


def _state_rank(counts: dict[str, int]) -> str:
    """A sort key for a cell: its state's rank (worst first), then more open findings first."""
    st = cell_state(counts)
    open_n = sum(v for k, v in counts.items() if k not in ("ok", "waived", "not_applicable"))
    return f"{FINDING_STATUSES.index(st):02d}{9999 - min(open_n, 9999):04d}"


def render_html(m: Matrix, lang: str, link: str | None = "{id}.html") -> str:
    """One self-contained page: no external assets, only its own style and its sorting script
    (the Content-Security-Policy allows those two by their hashes), links relative to the page."""
    import base64
    import hashlib

    from ..report.formats.html import area_bars

    ja = lang == "ja"
    L = LABELS[lang]
    e = html.escape
    names = {a: m.area_names.get(a) or a for a in m.areas}

    def short(a: str) -> str:
        n = names[a]
        for mark in ("（", " ("):
            i = n.find(mark)
            if i > 0:
                return n[:i]
        return n

    title = "自治体DX要件 充足状況ヒートマップ" if ja else "National DX requirements: heat map"
    h = {k: base64.b64encode(hashlib.sha256(v.encode("utf-8")).digest()).decode("ascii")
         for k, v in (("style", _HEAT_CSS), ("script", _HEAT_JS))}
    groups = m.by_prefecture()
    as_of = next((o.as_of for o in m.rows if o.as_of), "")
    parts = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             f"style-src 'sha256-{h['style']}'; script-src 'sha256-{h['script']}'; img-src data:; "
             "base-uri 'none'; form-action 'none'\">",
             f"<title>{e(title)}</title>",
             f"<style>{_HEAT_CSS}</style></head><body>",
             f"<h1>{e(title)}</h1>"]
    n_ok = len(m.rows)
    eds = [f"{short(a)} {c.get('edition', '')}" for a, c in m.editions.items()]
    ds = sorted({o.data_as_of for o in m.rows if o.data_as_of})
    meta = [("評価基準日" if ja else "Evaluated as of", jdate.date_label(jdate.parse_day(as_of), lang) if as_of else "-"),
            ("カタログ" if ja else "Catalogs", ", ".join(eds) or "-"),
            ("データ時点" if ja else "Data as of",
             (f"{ds[0]} 〜 {ds[-1]}" if len(ds) > 1 else ds[0]) if ds else "-"),
            ("団体数" if ja else "Municipalities",
             (f"{n_ok}団体（エラーで除外 {len(m.failed)}件）" if ja else f"{n_ok} ({len(m.failed)} skipped with errors)"))]
    stale_n = sum(1 for o in m.rows if o.stale)
    if stale_n:
        meta.append(("古いデータ" if ja else "Stale data",
                     f"{stale_n}団体のデータが鮮度の基準（365日）より古い" if ja else
                     f"{stale_n} municipalities' data is older than the freshness window (365 days)"))
    parts.append("<dl class=\"meta\">" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in meta) + "</dl>")
    parts.append("<div class=\"legend\">")
    for s in FINDING_STATUSES:
        dark = " dark" if s in DARK else ""
        word = L["status_names"][s] + ("（未対応なし）" if ja and s == "ok" else " (nothing open)" if s == "ok" else "")
        parts.append(f"<span class=\"s-{s}{dark}\">{e(word)}</span>")
    parts.append("</div>")
    parts.append("<p class=\"muted\">" + e("セルの色はその分野で最も重い状態。セルをクリックすると、その団体の報告書をその分野に絞って開きます。列見出しで並べ替え。"
                                            if ja else "A cell's colour is the area's worst status; a cell opens the "
                                            "municipality's report filtered to that area. Click a heading to sort.")
                 + "</p>")
    # per area: the municipalities by the state of their cell
    bars = []
    for a in m.areas:
        states: dict[str, int] = {}
        for o in m.rows:
            st = cell_state(o.counts.get(a, {}))
            states[st] = states.get(st, 0) + 1
        bars.append((a, short(a), states))
    if m.rows:
        parts.append("<h2>" + e("分野別の状況（団体数、セルの状態別）" if ja else "By area: municipalities by the state of their cell")
                     + "</h2>" + area_bars(bars, lang, chart_id="chart-heat-areas"))
    heads = [("団体" if ja else "Municipality"), ("コード" if ja else "Code"),
             ("データ時点" if ja else "Data as of"), ("根拠" if ja else "Basis")]
    parts.append("<h2>" + e("団体 × 分野" if ja else "Municipality × area") + "</h2>")
    parts.append("<table id=\"heat\"><thead><tr>" + "".join(f"<th scope=\"col\" class=\"k\">{e(x)}</th>" for x in heads)
                 + "".join(f"<th scope=\"col\" title=\"{e(names[a])}\">{e(short(a))}</th>" for a in m.areas)
                 + "</tr></thead>")

    def cells(counts_by_area: dict[str, dict[str, int]], href: Callable[[str], str] | None) -> str:
        out = []
        for a in m.areas:
            c = counts_by_area.get(a, {})
            st = cell_state(c)
            text = e(_cell(c, lang)) if worst(c) else e(L["status_names"]["ok"])
            label = e(f"{names[a]}: {L['status_names'][st]}")
            inner = (f"<a href=\"{e(href(a))}\" title=\"{label}\">{text}</a>" if href else
                     f"<span title=\"{label}\">{text}</span>")
            dark = " dark" if st in DARK else ""
            out.append(f"<td class=\"c s-{st}{dark}\" data-worst=\"{st}\" data-sort=\"{_state_rank(c)}\">{inner}</td>")
        return "".join(out)

    for code, name, group in groups:
        parts.append(f"<tbody><tr class=\"pref\"><th class=\"pref\" colspan=\"{len(m.areas) + 4}\">"
                     f"{e(name)} ({e(code)})</th></tr>")
        for o in group:
            basis = L.get("basis_names", {}).get(o.basis, o.basis) if o.basis else "-"
            stale = (f" <span class=\"stale\">{e('古い' if ja else 'stale')}</span>" if o.stale else "")
            href = (lambda a, o=o: _href(link, o.profile_id, o.code, a)) if link else None
            parts.append(f"<tr class=\"m\" data-id=\"{e(o.profile_id)}\"><td class=\"k\">{e(o.name)}</td>"
                         f"<td class=\"k\">{e(o.code)}</td><td class=\"k\" data-sort=\"{e(o.data_as_of)}\">"
                         f"{e(o.data_as_of or '-')}{stale}</td><td class=\"k\">{e(basis)}</td>"
                         + cells(o.counts, href) + "</tr>")
        for c, n, _ in m.missing_in(code):
            parts.append(f"<tr class=\"m missing\"><td class=\"k\">{e(n)}</td><td class=\"k\">{e(c)}</td>"
                         f"<td class=\"k\">-</td><td class=\"k\">-</td><td class=\"c\" colspan=\"{len(m.areas)}\">"
                         f"{e(NOT_RETURNED_LONG[lang])}</td></tr>")
        total = {a: _sum([o.counts.get(a, {}) for o in group]) for a in m.areas}
        parts.append(f"<tr class=\"total\"><th colspan=\"4\">{e(name)} {e('計' if ja else 'total')}"
                     f"（{len(group)}{'団体' if ja else ''}）</th>" + cells(total, None) + "</tr></tbody>")
    if m.rows:
        total = {a: _sum([o.counts.get(a, {}) for o in m.rows]) for a in m.areas}
        parts.append(f"<tfoot><tr class=\"total\"><th colspan=\"4\">{e('全国計' if ja else 'National total')}"
                     f"（{n_ok}{'団体' if ja else ''}）</th>" + cells(total, None) + "</tr></tfoot>")
    parts.append("</table>")
    if m.failed:
        parts.append("<h2>" + ("エラーのため除外したプロファイル" if ja else "Profiles skipped with errors") + "</h2><ul>")
        parts += [f"<li><code>{e(o.path)}</code>: {e((o.error or {}).get(lang, ''))}</li>" for o in m.failed]
        parts.append("</ul>")
    parts.append(f"<script>{_HEAT_JS}</script></body></html>\n")
    return "".join(parts)


RENDERERS = {"table": render_table, "csv": render_csv, "html": render_html, "json": render_json}
