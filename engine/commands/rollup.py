"""The batch summary: municipality × area, counts by status, grouped by prefecture.

Rendered as a table, CSV (UTF-8 with BOM, CRLF) or a self-contained HTML heat map whose cells
are coloured by the worst status and link to the municipality's own findings.
"""
from __future__ import annotations

import html
import json

from .batch import Matrix, worst
from ..load.models import FINDING_STATUSES
from ..labels import LABELS, STATUS_SHORT as SHORT

COLOURS = {"overdue": "#d73027", "due_soon": "#fc8d59", "gap": "#fee08b", "unassessed": "#d9d9d9",
           "waived": "#91bfdb", "ok": "#1a9850", None: "#ffffff"}
def _cell(counts: dict[str, int], lang: str) -> str:
    parts = [f"{SHORT[lang][s]}{counts[s]}" for s in FINDING_STATUSES if counts.get(s)]
    return " ".join(parts) or "-"


def to_dict(m: Matrix) -> dict:
    return {
        "areas": m.areas,
        "prefectures": [
            {"code": code, "name": name,
             "municipalities": [{"id": o.profile_id, "name": o.name, "code": o.code, "path": o.path,
                                 "areas": {a: o.counts.get(a, {}) for a in m.areas},
                                 "worst": {a: worst(o.counts.get(a, {})) for a in m.areas}}
                                for o in rows]}
            for code, name, rows in m.by_prefecture()],
        "failed": [{"path": o.path, "error": o.error} for o in m.failed],
    }


def render_json(m: Matrix, lang: str) -> str:
    return json.dumps(to_dict(m), ensure_ascii=False, indent=2) + "\n"


def render_table(m: Matrix, lang: str) -> str:
    from tabulate import tabulate

    ja = lang == "ja"
    rows = []
    for code, name, group in m.by_prefecture():
        for o in group:
            rows.append([name, o.code, o.name] + [_cell(o.counts.get(a, {}), lang) for a in m.areas])
    head = ["都道府県" if ja else "Prefecture", "コード" if ja else "Code", "団体" if ja else "Municipality"] + m.areas
    out = tabulate(rows, headers=head, disable_numparse=True) + "\n"
    n_ok = sum(len(g) for _, _, g in m.by_prefecture())
    out += (f"\n{n_ok}団体を評価、{len(m.failed)}件のプロファイルはエラーのため除外\n" if ja else
            f"\n{n_ok} municipalities evaluated, {len(m.failed)} profile(s) skipped with errors\n")
    for o in m.failed:
        out += "  " + (o.error or {}).get(lang, "").replace("\n", "\n  ") + "\n"
    return out


def render_csv(m: Matrix, lang: str) -> str:
    from ..report.csvio import write_csv

    def rows():
        for code, name, group in m.by_prefecture():
            for o in group:
                for a in m.areas:
                    c = o.counts.get(a, {})
                    yield ([code, name, o.code, o.name, o.profile_id, a, worst(c) or ""]
                           + [c.get(s, 0) for s in FINDING_STATUSES])
        for o in m.failed:
            yield ["", "", "", "", "", "", "error"] + [""] * len(FINDING_STATUSES) + [o.path]

    return write_csv(["prefecture_code", "prefecture", "code", "municipality", "id", "area", "worst"]
                     + list(FINDING_STATUSES), rows())


_HEAT_CSS = ("body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;font-size:12px}"
             "th,td{border:1px solid #999;padding:3px 6px;text-align:left}td.c a{color:#000;text-decoration:none;"
             "display:block}th.pref{background:#eee}.legend span{display:inline-block;padding:2px 8px;margin-right:4px;"
             "border:1px solid #999}@media print{@page{size:A4 landscape}}"
             # the colours by class, not in style attributes, which the Content-Security-Policy forbids
             + "".join(f".s-{s or 'none'}{{background:{c}}}" for s, c in COLOURS.items()))


def _href(link: str, profile_id: str, code: str, area: str) -> str:
    """A relative link to a municipality's file that can never be a `javascript:` (or any other
    scheme) link: every character but / and an existing %-escape percent-encoded (so no ':'
    remains, and a backslash is no separator), and a leading / prefixed with ./ (no absolute or
    network-path reference)."""
    from urllib.parse import quote

    href = quote(link.format(id=profile_id, code=code), safe="/%")
    if href.startswith("/"):
        href = "./" + href
    return href + "#" + quote(area, safe="")


def render_html(m: Matrix, lang: str, link: str | None = "{id}.json") -> str:
    """One self-contained page: no scripts, no external assets (a Content-Security-Policy allows
    only its own style), links relative to the page."""
    import base64
    import hashlib

    ja = lang == "ja"
    L = LABELS[lang]
    e = html.escape
    title = "自治体DX要件 充足状況ヒートマップ" if ja else "National DX requirements: heat map"
    style_hash = base64.b64encode(hashlib.sha256(_HEAT_CSS.encode("utf-8")).digest()).decode("ascii")
    parts = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">",
             "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
             f"style-src 'sha256-{style_hash}'; img-src data:; base-uri 'none'; form-action 'none'\">",
             f"<title>{e(title)}</title>",
             f"<style>{_HEAT_CSS}</style></head><body>",
             f"<h1>{e(title)}</h1>", "<p class=\"legend\">"]
    for s in FINDING_STATUSES:
        parts.append(f"<span class=\"s-{s}\">{e(L['status_names'][s])}</span>")
    parts.append("</p><table><thead><tr><th>" + ("団体" if ja else "Municipality") + "</th><th>"
                 + ("コード" if ja else "Code") + "</th>"
                 + "".join(f"<th>{e(a)}</th>" for a in m.areas) + "</tr></thead><tbody>")
    for code, name, group in m.by_prefecture():
        parts.append(f"<tr><th class=\"pref\" colspan=\"{len(m.areas) + 2}\">{e(name)} ({e(code)})</th></tr>")
        for o in group:
            cells = []
            for a in m.areas:
                c = o.counts.get(a, {})
                w = worst(c)
                text = e(_cell(c, lang))
                label = e(L["status_names"][w]) if w else "-"
                inner = f"<a href=\"{e(_href(link, o.profile_id, o.code, a))}\" title=\"{label}\">{text}</a>" \
                    if link else text
                cells.append(f"<td class=\"c s-{w or 'none'}\" data-worst=\"{w or ''}\">{inner}</td>")
            parts.append(f"<tr><td>{e(o.name)}</td><td>{e(o.code)}</td>{''.join(cells)}</tr>")
    parts.append("</tbody></table>")
    if m.failed:
        parts.append("<h2>" + ("エラーのため除外したプロファイル" if ja else "Profiles skipped with errors") + "</h2><ul>")
        parts += [f"<li><code>{e(o.path)}</code>: {e((o.error or {}).get(lang, ''))}</li>" for o in m.failed]
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "".join(parts)


RENDERERS = {"table": render_table, "csv": render_csv, "html": render_html, "json": render_json}
