"""HTML: one self-contained file for auditors.

No external assets and nothing fetched from the network: the style, the small script and the
charts (inline SVG) are in the page, and a Content-Security-Policy (with their hashes) forbids
loading anything else.  The page shows the run's identity, a banner when the data is stale or
rests on a plan, a summary by area and status (table and chart), a deadline timeline, and the
findings table, which can be sorted (click a column heading) and filtered (text, status,
severity, area).  Each finding's status cell says what it rests on (basis) and how old that is;
its message opens (<details>) to its title, remediation, evidence, references and waiver.

Printed (A4 landscape), the controls are hidden, each finding is one compact row, and the
details follow in an appendix (two columns, references by number); every page is headed with
the municipality and the evaluation date.  The fonts are a CJK stack (Noto Sans CJK JP,
Hiragino, Yu Gothic, Meiryo): without one of them installed, Japanese shows as boxes.

The script fills ``<span id="finding-count">`` with the number of rows shown, so a reader (and
the browser test) sees the count the page itself computed.  A filter can be given in the
address, e.g. ``report.html#status=overdue&area=base_systems`` (also ``severity`` and ``q``).
"""
from __future__ import annotations

import base64
import hashlib
from html import escape
from typing import Any

from ...load.models import FINDING_STATUSES, SEVERITIES
from .common import (OBLIGATION_NAMES, cited_sources, date_label, evidence_text, labels,
                     severity_name, status_name, waiver_notes, waiver_target, waiver_text)

# status colours: the badges, the charts and the legend (a new status needs one; ARCHITECTURE.md)
STATUS_COLOURS = {"overdue": "#b00020", "unverified": "#6a3d9a", "due_soon": "#a15c00", "gap": "#7a4b00",
                  "unassessed": "#3b5b8c", "waived": "#5b5b5b", "not_applicable": "#8a8a8a", "ok": "#1b6e34"}
# the CJK font stack (docs/OUTPUTS.md says what to install): Noto first, as Linux and CI have it
FONT_STACK = ('"Noto Sans CJK JP","Noto Sans JP","Hiragino Kaku Gothic ProN","Hiragino Sans",'
              '"Yu Gothic","YuGothic","Meiryo",sans-serif')

CSS = """
:root{--fg:#1a1a1a;--muted:#5c5c5c;--line:#c8c8c8;--head:#eef1f5;--warn-bg:#fff4e5;--warn-line:#c77700}
*{box-sizing:border-box}
body{font-family:@FONTS@;color:var(--fg);margin:1.2rem;line-height:1.45;font-size:14px}
h1{font-size:1.35rem;margin:0 0 .4rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem;border-bottom:2px solid var(--line)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.3rem 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid var(--line);padding:.25rem .4rem;vertical-align:top;text-align:left}
th{background:var(--head)}
td{overflow-wrap:anywhere}
table.summary{width:auto}table.summary td.n{text-align:right;min-width:3.5em}
#findings{table-layout:fixed}
#findings th{cursor:pointer;user-select:none}
#findings th[aria-sort=ascending]::after{content:" \\25B2"}#findings th[aria-sort=descending]::after{content:" \\25BC"}
#findings td.id{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.8em;overflow-wrap:normal}
col.c-id{width:8.6em}col.c-status{width:7em}col.c-severity{width:4em}col.c-area{width:8em}
col.c-requirement{width:10em}col.c-deadline{width:7.4em}col.c-days{width:4.4em}col.c-fy{width:5.6em}
td.num{text-align:right}
.sub{display:block;font-size:.8em;color:var(--muted)}
.basis{display:block;font-size:.8em;color:var(--muted);white-space:nowrap}
.stale{color:var(--warn-line);font-weight:bold}
.badge{display:inline-block;padding:0 .35em;border-radius:3px;color:#fff;white-space:nowrap;font-size:.9em}
@STATUSES@
.sev-critical{font-weight:bold;color:#b00020}.sev-high{color:#b00020}
.expired{color:#b00020;font-weight:bold}
details summary{cursor:pointer}details[open] summary{margin-bottom:.3rem}
details dl{display:grid;grid-template-columns:minmax(4em,max-content) minmax(0,1fr);gap:.15rem .8rem;margin:0}
details dt{color:var(--muted);max-width:8em}details dd{margin:0;min-width:0}details ul{margin:0;padding-left:1.1rem}
.controls{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.4rem 0 .6rem}
.controls label{white-space:nowrap}
.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
.muted{color:var(--muted)}
.banner{border:2px solid var(--warn-line);background:var(--warn-bg);padding:.5rem .8rem;margin:.8rem 0;border-radius:4px}
.banner strong{display:block;margin-bottom:.2rem}.banner ul{margin:0;padding-left:1.2rem}
.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start}
.charts figure{margin:0;max-width:100%}.charts figcaption{font-weight:bold;margin-bottom:.2rem}
svg.chart{display:block;max-width:100%;height:auto;font-size:12px}
svg.chart text{fill:var(--fg)}svg.chart text.in{fill:#fff}svg.chart .axis{stroke:var(--muted);stroke-width:1}
svg.chart .grid{stroke:var(--line);stroke-width:1}svg.chart .today{stroke:#000;stroke-width:1.5;stroke-dasharray:4 3}
.legend{display:flex;flex-wrap:wrap;gap:.2rem .8rem;font-size:.85em;margin:.2rem 0}
.legend i{display:inline-block;width:.9em;height:.9em;margin-right:.25em;vertical-align:-.1em}
.print-only{display:none}
footer{margin-top:1.5rem;color:var(--muted);font-size:.85em}
@page{size:A4 landscape;margin:13mm 9mm 10mm;
@top-left{content:"@HEADER@";font-family:@FONTS@;font-size:8pt;color:#444}
@top-right{content:counter(page) " / " counter(pages);font-family:@FONTS@;font-size:8pt;color:#444}}
@media print{
body{margin:0;font-size:7.5pt;line-height:1.3}.no-print{display:none!important}.print-only{display:block}
h1{font-size:12pt}h2{font-size:9.5pt;margin:.5rem 0 .25rem}
th,td{padding:.05rem .25rem}
thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}
h2{break-after:avoid;page-break-after:avoid}
.badge{color:#000;background:none!important;border:1px solid #000;padding:0 .2em}
a{color:inherit;text-decoration:none}
#findings tr[hidden]{display:none}
#findings details{display:none}#findings .print-title{display:inline}
#findings td.id{font-size:.9em;white-space:nowrap}.basis{display:inline;margin-left:.3em}
#findings th{white-space:nowrap;overflow:hidden}
col.c-id{width:8.8em}col.c-status{width:10.5em}col.c-severity{width:3.2em}col.c-area{width:17em}
col.c-requirement{width:18em}col.c-deadline{width:6.6em}col.c-days{width:3.8em}col.c-fy{width:5.9em}
.basis{font-size:.85em}.basis .age{display:none}
#findings td{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
#findings td[data-sort] .sub{display:none}
#findings .sub{display:inline;margin-left:.2em;font-size:1em}
.charts{gap:.3rem 1.2rem}svg.chart{font-size:11px;width:540px;height:auto}
.appendix{columns:3;column-gap:6mm;font-size:6.8pt;line-height:1.25}
.appendix .ap{break-inside:avoid;page-break-inside:avoid;border-top:1px solid var(--line);padding:.1rem 0 .15rem}
.appendix .ap b{font-size:1.05em}.appendix .ap p{margin:0}
.appendix .ap .k{color:var(--muted)}
figure{break-inside:avoid;page-break-inside:avoid}
ol.cites{columns:2;column-gap:6mm;font-size:6.8pt;margin:0;padding-left:2.2em}
.hash{font-size:.8em}
}
"""

JS = """
(function(){
"use strict";
var table=document.getElementById("findings");
if(!table){return;}
var tbody=table.tBodies[0];
var rows=Array.prototype.slice.call(tbody.rows);
var q=document.getElementById("f-text"),st=document.getElementById("f-status"),
sv=document.getElementById("f-severity"),ar=document.getElementById("f-area"),
count=document.getElementById("finding-count");
function apply(){
var text=(q.value||"").toLowerCase(),n=0;
rows.forEach(function(r){
var ok=(!st.value||r.getAttribute("data-status")===st.value)&&
(!sv.value||r.getAttribute("data-severity")===sv.value)&&
(!ar.value||r.getAttribute("data-area")===ar.value)&&
(!text||r.textContent.toLowerCase().indexOf(text)>=0);
r.hidden=!ok;if(ok){n++;}
});
count.textContent=String(n);
}
[q,st,sv,ar].forEach(function(el){el.addEventListener("input",apply);el.addEventListener("change",apply);});
var heads=Array.prototype.slice.call(table.tHead.rows[0].cells);
heads.forEach(function(th,i){
th.setAttribute("tabindex","0");
function sort(){
var dir=th.getAttribute("aria-sort")==="ascending"?-1:1,num=th.getAttribute("data-type")==="num";
heads.forEach(function(h){h.removeAttribute("aria-sort");});
th.setAttribute("aria-sort",dir===1?"ascending":"descending");
function key(r){var c=r.cells[i],v=c.getAttribute("data-sort");if(v===null){v=c.textContent.trim();}
if(num){return v===""?Infinity:Number(v);}return v;}
var order=rows.map(function(r,k){return [key(r),k,r];});
order.sort(function(a,b){
if(a[0]<b[0]){return -dir;}if(a[0]>b[0]){return dir;}return a[1]-b[1];});
order.forEach(function(o){tbody.appendChild(o[2]);});
rows=order.map(function(o){return o[2];});
}
th.addEventListener("click",sort);
th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();sort();}});
});
function openAll(v){Array.prototype.forEach.call(document.querySelectorAll("#findings details"),
function(d){d.open=v;});}
document.getElementById("b-open").addEventListener("click",function(){openAll(true);});
document.getElementById("b-close").addEventListener("click",function(){openAll(false);});
document.getElementById("b-print").addEventListener("click",function(){window.print();});
document.getElementById("b-reset").addEventListener("click",function(){q.value="";st.value="";sv.value="";ar.value="";apply();});
// a filter may be given in the address: report.html#status=overdue&severity=critical&area=...&q=...
(location.hash||"").replace(/^#/,"").split("&").forEach(function(kv){
var i=kv.indexOf("="),k=i<0?kv:kv.slice(0,i),raw=i<0?"":kv.slice(i+1),v=raw;
try{v=decodeURIComponent(raw);}catch(e){v=raw;}// a malformed escape (%E0%A4%A): the text as written
var el={q:q,status:st,severity:sv,area:ar}[k];
if(el&&(el!==q?Array.prototype.some.call(el.options,function(o){return o.value===v;}):true)){el.value=v;}
});
apply();
})();
"""


EXPIRED_CLASS = ' class="expired"'
OPEN = ("overdue", "unverified", "due_soon", "gap", "unassessed")     # what still needs work


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def e(v: Any) -> str:
    return "" if v is None else escape(str(v), quote=True)


def _css_string(text: str) -> str:
    """Text for a CSS string ("..."): quotes, backslashes and < > escaped (no </style>), one line."""
    out = []
    for ch in " ".join(str(text).split()):
        out.append(f"\\{ord(ch):X} " if ch in '"\\<>' else ch)
    return "".join(out)


def css(header: str) -> str:
    statuses = "".join(f".st-{st}{{background:{c}}}.f-{st}{{fill:{c}}}.lg-{st}{{background:{c}}}"
                       for st, c in STATUS_COLOURS.items())
    return (CSS.replace("@FONTS@", FONT_STACK).replace("@STATUSES@", statuses)
            .replace("@HEADER@", _css_string(header)))


def _link(url: str | None, text: str) -> str:
    if url and url.startswith(("https://", "http://")):
        return f'<a href="{e(url)}" rel="noopener noreferrer">{e(text)}</a>'
    return e(text)


def _reference(r: dict[str, Any]) -> str:
    main = (r.get("title") or r.get("source") or "") + (f" {r['locator']}" if r.get("locator") else "")
    date = f" ({r['date']})" if r.get("date") else ""
    return _link(r.get("url"), main) + e(date)


def _ref_key(r: dict[str, Any]) -> tuple:
    return (r.get("source") or "", r.get("title") or "")


def cited_by_source(d: dict[str, Any]) -> list[tuple[dict[str, Any], list[str]]]:
    """Every source the findings cite, once, with the places cited in it (in the order of
    cited_sources): the numbered list the printed appendix refers to."""
    groups: dict[tuple, tuple[dict[str, Any], list[str]]] = {}
    for r in cited_sources(d):
        ref, locs = groups.setdefault(_ref_key(r), (r, []))
        if r.get("locator") and r["locator"] not in locs:
            locs.append(r["locator"])
    return list(groups.values())


def _cited_entry(r: dict[str, Any], locators: list[str], lang: str) -> str:
    main = r.get("title") or r.get("source") or ""
    date = f" ({r['date']})" if r.get("date") else ""
    where = ("（" + "、".join(locators) + "）" if lang == "ja" else " (" + "; ".join(locators) + ")") if locators else ""
    return _link(r.get("url"), main) + e(date) + (f'<span class="muted">{e(where)}</span>' if where else "")


def area_name(d: dict[str, Any], area: str) -> str:
    """The catalog's name of an area in the report's language (the result model's area_names),
    else its ID."""
    return (d.get("area_names") or {}).get(area) or area


def area_short(d: dict[str, Any], area: str) -> str:
    """The name up to its first parenthesis: 地方公共団体情報システムの標準化（基幹業務…） ->
    地方公共団体情報システムの標準化."""
    name = area_name(d, area)
    for mark in ("（", " ("):
        i = name.find(mark)
        if i > 0:
            return name[:i]
    return name


def _day(iso: str | None):
    import datetime as _dt

    return _dt.date.fromisoformat(iso) if iso else None


def freshness(d: dict[str, Any]) -> dict[str, Any]:
    """What the data rests on and how old it is: the result's own fields where it has them
    (profile.stale, profile.basis, max_age_days: schema 2.0), else computed from the profile's
    as_of and the evaluation date against the freshness window."""
    from ...vocab import MAX_AGE_DAYS

    p = d["profile"]
    max_age = d.get("max_age_days") or MAX_AGE_DAYS
    age = (_day(d["as_of"]) - _day(p["as_of"])).days if p.get("as_of") else None
    stale = p.get("stale")
    if stale is None:
        stale = age is not None and age > max_age
    bases = [f.get("basis") for f in d["findings"] if f.get("basis")]
    basis = p.get("basis")
    plan_findings = sum(1 for b in bases if b == "plan")
    stale_findings = sum(1 for f in d["findings"] if f.get("stale"))
    return {"age": age, "max_age": max_age, "stale": bool(stale), "basis": basis,
            "plan": basis == "plan" or (basis is None and bool(bases) and plan_findings == len(bases)),
            "plan_findings": plan_findings, "stale_findings": stale_findings}


def _banner(d: dict[str, Any], lang: str) -> str:
    fr = freshness(d)
    p = d["profile"]
    ja = lang == "ja"
    items = []
    if fr["stale"]:
        items.append(
            f"データが古い: プロファイルは{date_label(p['as_of'], lang)}時点の情報で、評価基準日の"
            f"{fr['age']:,}日前です（鮮度の基準は{fr['max_age']:,}日）。現況を確認してから判断してください。"
            if ja else
            f"Stale data: the profile describes {p['as_of']}, {fr['age']:,} days before the evaluation date "
            f"(the freshness window is {fr['max_age']:,} days). Check the current state before acting on it.")
    if fr["stale_findings"]:
        items.append(f"基準より古い根拠に基づく指摘: {fr['stale_findings']}件（状態欄に「古い」と表示）" if ja else
                     f"{fr['stale_findings']} findings rest on evidence older than the window (marked 'stale')")
    if fr["plan"]:
        items.append("計画に基づくデータ: 記載された状態は計画上の予定であり、実施の記録ではありません。"
                     "「適合」「対応済み」は実績で確認してください。" if ja else
                     "Plan-based data: the statuses are what a plan intends, not records of what was done. "
                     "Confirm anything shown as met against records.")
    elif fr["plan_findings"]:
        items.append(f"根拠が計画のみの指摘: {fr['plan_findings']}件" if ja else
                     f"{fr['plan_findings']} findings rest only on a plan")
    if not items:
        return ""
    head = "このデータの扱いに注意してください" if ja else "Read this data with care"
    return (f'<div class="banner" id="data-banner" role="note"><strong>{e(head)}</strong><ul>'
            + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul></div>")


def _basis_line(f: dict[str, Any], lang: str, L: dict[str, Any]) -> str:
    """'計画 · 1,706日前 · 古い' under the status: the finding's basis, the age of its evidence, and
    whether that is older than the freshness window (printed: the basis and 古い only)."""
    parts = []
    if f.get("basis"):
        parts.append(e(L.get("basis_names", {}).get(f["basis"], f["basis"])))
    if f.get("data_age_days") is not None:
        age = f"{f['data_age_days']:,}日前" if lang == "ja" else f"{f['data_age_days']:,} d old"
        parts.append('<span class="age">' + (" · " if parts else "") + e(age) + "</span>")
    if f.get("stale"):
        parts.append((" · " if parts else "") + f'<span class="stale">{e("古い" if lang == "ja" else "stale")}</span>')
    if not parts:
        return ""
    title = e(("根拠" if lang == "ja" else "basis") + (f" {f['evidence_date']}" if f.get("evidence_date") else ""))
    return f'<span class="basis" title="{title}">' + "".join(parts) + "</span>"


def _date_cell(iso: str | None, lang: str) -> str:
    text = date_label(iso, lang)
    if " (" in text:
        head, tail = text.split(" (", 1)
        return f'{e(head)}<span class="sub">({e(tail)}</span>'
    return e(text)


def _finding_row(f: dict[str, Any], lang: str, L: dict[str, Any], d: dict[str, Any]) -> str:
    w = f["waiver"]
    status = f'<span class="badge st-{e(f["status"])}">{e(status_name(f["status"], lang))}</span>'
    if w and w["expired"]:
        status += f' <span class="expired" title="{e(waiver_text(w, lang))}">*</span>'
    status += _basis_line(f, lang, L)
    details = [f"<dt>{e(L['finding_title'])}</dt><dd>{e(f['title'])}</dd>",
               f"<dt>{e(L['rule'])}</dt><dd><code>{e(f['rule'])}</code></dd>",
               f"<dt>{e(L['obligation'])}</dt><dd>{e(OBLIGATION_NAMES[lang][f['obligation']])}</dd>"]
    if f["remediation"]:
        details.append(f"<dt>{e(L['remediation'])}</dt><dd>{e(f['remediation'])}</dd>")
    if f["department"]:
        details.append(f"<dt>{e(L['department'])}</dt><dd>{e(f['department'])}</dd>")
    if w:
        cls = ' class="expired"' if w["expired"] else ""
        details.append(f"<dt>{e(L['waiver'])}</dt><dd{cls}>{e(waiver_text(w, lang))}</dd>")
    ev = "".join(f"<li>{e(evidence_text(x, lang))}</li>" for x in f["evidence"]) or "<li>-</li>"
    details.append(f"<dt>{e(L['evidence'])}</dt><dd><ul>{ev}</ul></dd>")
    refs = "".join(f"<li>{_reference(r)}</li>" for r in f["references"]) or "<li>-</li>"
    details.append(f"<dt>{e(L['references'])}</dt><dd><ul>{refs}</ul></dd>")
    days = f["days_to_deadline"]
    return (
        f'<tr data-id="{e(f["id"])}" data-status="{e(f["status"])}" data-severity="{e(f["severity"])}" '
        f'data-area="{e(f["area"])}">'
        f'<td class="id">{e(f["id"])}</td>'
        f'<td data-sort="{FINDING_STATUSES.index(f["status"]) if f["status"] in FINDING_STATUSES else 99}">'
        f'{status}</td>'
        f'<td class="sev-{e(f["severity"])}" data-sort="{SEVERITIES.index(f["severity"])}">'
        f'{e(severity_name(f["severity"], lang))}</td>'
        f'<td title="{e(area_name(d, f["area"]))}">{e(area_short(d, f["area"]))}</td>'
        f'<td>{e(f["requirement"])}<span class="sub">{e(f["requirement_name"])}</span></td>'
        f'<td data-sort="{e(f["deadline"] or "")}">{_date_cell(f["deadline"], lang)}</td>'
        f'<td class="num" data-sort="{"" if days is None else days}">{"" if days is None else days}</td>'
        f'<td>{e(f["fiscal_year_label"] or "")}</td>'
        f'<td><span class="print-title print-only">{e(f["title"])}</span>'
        f'<details><summary>{e(f["message"])}</summary><dl>{"".join(details)}</dl></details></td>'
        "</tr>")


def _appendix_entry(f: dict[str, Any], lang: str, L: dict[str, Any], ref_no: dict[tuple, int]) -> str:
    """One finding's details for the printed appendix: compact, references by number."""
    ja = lang == "ja"
    sep = "：" if ja else ": "
    rows = [f'<b>{e(f["id"])}</b> {e(f["requirement"])} {e(f["requirement_name"])} — '
            f'{e(status_name(f["status"], lang))}（{e(f["rule"])}）' if ja else
            f'<b>{e(f["id"])}</b> {e(f["requirement"])} {e(f["requirement_name"])} — '
            f'{e(status_name(f["status"], lang))} ({e(f["rule"])})',
            f'<p>{e(f["message"])}</p>']
    if f["remediation"]:
        rows.append(f'<p><span class="k">{e(L["remediation"])}{sep}</span>{e(f["remediation"])}</p>')
    extra = []
    if f["department"]:
        extra.append(f'<span class="k">{e(L["department"])}{sep}</span>{e(f["department"])}')
    extra.append(f'<span class="k">{e(L["obligation"])}{sep}</span>{e(OBLIGATION_NAMES[lang][f["obligation"]])}')
    if f["references"]:
        cites = []
        for r in f["references"]:
            n = ref_no.get(_ref_key(r))
            text = (f"[{n}]" if n else (r.get("title") or "")) + (f" {r['locator']}" if r.get("locator") else "")
            if text not in cites:
                cites.append(text)
        extra.append(f'<span class="k">{e(L["references"])}{sep}</span>' + e("; ".join(cites)))
    rows.append("<p>" + "　".join(extra) + "</p>")
    prefix = f"areas.{f['area']}.items.{f['requirement']}."
    ev = "; ".join(evidence_text({**x, "path": x["path"][len(prefix):]} if x.get("path", "").startswith(prefix)
                                 else x, lang) for x in f["evidence"])
    if ev:
        rows.append(f'<p><span class="k">{e(L["evidence"])}{sep}</span>{e(ev)}</p>')
    if f["waiver"]:
        rows.append(f'<p><span class="k">{e(L["waiver"])}{sep}</span>{e(waiver_text(f["waiver"], lang))}</p>')
    return '<div class="ap">' + "".join(rows) + "</div>"


def _appendix(findings: list[dict[str, Any]], lang: str, L: dict[str, Any], ref_no: dict[tuple, int]) -> str:
    """The printed appendix: each finding's details; the unassessed findings of one rule (the
    profile says nothing: the same message but for the name, the same remediation) as one entry
    listing them, so that a profile that is mostly silent still prints in a few pages."""
    ja = lang == "ja"
    sep = "：" if ja else ": "
    groups: dict[tuple, list[dict[str, Any]]] = {}
    out = []
    for f in findings:
        if f["status"] == "unassessed" and not f["waiver"] and f["cost_estimate"] is None:
            key = (f["rule"], f["remediation"])
            if key not in groups:
                groups[key] = []
                out.append(key)
            groups[key].append(f)
        else:
            out.append(f)
    parts = []
    for x in out:
        if isinstance(x, dict):
            parts.append(_appendix_entry(x, lang, L, ref_no))
            continue
        fs = groups[x]
        if len(fs) == 1:
            parts.append(_appendix_entry(fs[0], lang, L, ref_no))
            continue
        head = (f'<b>{e(status_name("unassessed", lang))} {len(fs)}件</b>（{e(fs[0]["rule"])}）' if ja else
                f'<b>{len(fs)} {e(status_name("unassessed", lang))}</b> ({e(fs[0]["rule"])})')
        rows = [head, "<p>" + e("; ".join(f'{f["id"]} {f["requirement"]} {f["requirement_name"]}' for f in fs)) + "</p>",
                f'<p>{e(fs[0]["title"])}</p>']
        if fs[0]["remediation"]:
            rows.append(f'<p><span class="k">{e(L["remediation"])}{sep}</span>{e(fs[0]["remediation"])}</p>')
        parts.append('<div class="ap">' + "".join(rows) + "</div>")
    return "".join(parts)


def _options(values: list[tuple[str, str]], all_label: str) -> str:
    return f'<option value="">{e(all_label)}</option>' + "".join(
        f'<option value="{e(v)}">{e(t)}</option>' for v, t in values)


# ----------------------------------------------------------------------------- charts (inline SVG)

def _fit(label: str, width: float, size: float = 12) -> str:
    """The label cut (with …) to about `width` px at `size` px: a wide (CJK) character counts one
    em, another about 0.55 em (no font metrics in SVG without a script)."""
    import unicodedata

    out, used = "", 0.0
    for ch in label:
        w = size * (1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.56)
        if used + w > width - size:
            return out.rstrip() + "…"
        out += ch
        used += w
    return out


def _legend(statuses: list[str], lang: str) -> str:
    return ('<div class="legend">' + "".join(
        f'<span><i class="lg-{e(st)}"></i>{e(status_name(st, lang))}</span>' for st in statuses) + "</div>")


def area_bars(rows: list[tuple[str, str, dict[str, int]]], lang: str, width: int = 700,
              label_width: int = 260, chart_id: str = "chart-areas") -> str:
    """Stacked horizontal bars: one per (area, label, counts by status), the same scale for all."""
    row_h, top = 22, 4
    scale_max = max([sum(c.values()) for _, _, c in rows] or [1]) or 1
    bar_w = width - label_width - 40
    out = [f'<svg class="chart" id="{e(chart_id)}" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'viewBox="0 0 {width} {top * 2 + row_h * len(rows)}" width="{width}" '
           f'height="{top * 2 + row_h * len(rows)}">']
    for i, (area, label, counts) in enumerate(rows):
        y = top + i * row_h
        out.append(f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{e(_fit(label, label_width - 6))}'
                   f'<title>{e(label)}</title></text>')
        x = float(label_width)
        for st in FINDING_STATUSES:
            n = counts.get(st, 0)
            if not n:
                continue
            w = bar_w * n / scale_max
            out.append(f'<rect class="f-{st}" data-area="{e(area)}" data-status="{st}" x="{x:.1f}" y="{y + 3}" '
                       f'width="{w:.1f}" height="{row_h - 6}"><title>{e(label)}: {e(status_name(st, lang))} '
                       f'{n}</title></rect>')
            if w >= 18:
                out.append(f'<text class="in" x="{x + w / 2:.1f}" y="{y + 15}" text-anchor="middle">{n}</text>')
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 15}">{sum(counts.values())}</text>')
    out.append("</svg>")
    return "".join(out)


def _timeline(d: dict[str, Any], lang: str, width: int = 700) -> str:
    """Open findings by deadline: one lane per area, a circle per deadline (its size the count,
    its colour the worst status), the fiscal years as the scale and the evaluation date marked."""
    from ...load import jdate

    ja = lang == "ja"
    marks: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for f in d["findings"]:
        if f["status"] in OPEN and f["deadline"]:
            marks.setdefault((f["area"], f["deadline"]), []).append(f)
    if not marks:
        return ""
    areas = [a for a in d["summary"]["by_area"] if any(k[0] == a for k in marks)]
    today = _day(d["as_of"])
    days = [_day(k[1]) for k in marks] + [today]
    fy0, fy1 = jdate.fiscal_year(min(days)), jdate.fiscal_year(max(days))
    start, end = jdate.fy_span(fy0).start, jdate.fy_span(fy1).end
    label_w, lane, top = 260, 30, 22
    span_w = width - label_w - 16
    total = max(1, (end - start).days)

    def x(day) -> float:
        return label_w + span_w * (day - start).days / total

    h = top + lane * len(areas) + 6
    out = [f'<svg class="chart" id="chart-deadlines" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'viewBox="0 0 {width} {h}" width="{width}" height="{h}">']
    step = 1 if fy1 - fy0 < 8 else 2
    for fy in range(fy0, fy1 + 1):
        x0 = x(jdate.fy_span(fy).start)
        out.append(f'<line class="grid" x1="{x0:.1f}" y1="{top - 4}" x2="{x0:.1f}" y2="{h - 4}"/>')
        if (fy - fy0) % step == 0:
            name = jdate.fy_label(fy, "ja").replace("年度", "") if ja else f"FY{fy}"
            name = name.replace("令和", "R") if ja else name
            out.append(f'<text x="{x0 + 3:.1f}" y="{top - 8}">{e(name)}</text>')
    for i, a in enumerate(areas):
        y = top + i * lane + lane / 2
        out.append(f'<text x="{label_w - 6}" y="{y + 4:.1f}" text-anchor="end">{e(_fit(area_short(d, a), label_w - 6))}'
                   f'<title>{e(area_name(d, a))}</title></text>')
        out.append(f'<line class="axis" x1="{label_w}" y1="{y:.1f}" x2="{width - 16}" y2="{y:.1f}"/>')
        for (area, iso), fs in sorted(marks.items()):
            if area != a:
                continue
            worst = next(st for st in FINDING_STATUSES if any(f["status"] == st for f in fs))
            r = min(lane / 2 - 2, 4 + 2.2 * len(fs) ** 0.5)
            ids = ", ".join(sorted({f["requirement"] for f in fs}))
            out.append(f'<circle class="f-{worst}" cx="{x(_day(iso)):.1f}" cy="{y:.1f}" r="{r:.1f}">'
                       f'<title>{e(date_label(iso, lang))}: {len(fs)} — {e(ids)}</title></circle>')
            if len(fs) > 1:
                out.append(f'<text class="in" x="{x(_day(iso)):.1f}" y="{y + 4:.1f}" text-anchor="middle">'
                           f'{len(fs)}</text>')
    xt = x(today)
    out.append(f'<line class="today" x1="{xt:.1f}" y1="{top - 4}" x2="{xt:.1f}" y2="{h - 2}"/>')
    out.append(f'<text x="{xt - 3:.1f}" y="{h - 4}" text-anchor="end">{e(L_TODAY[lang])}</text>')
    out.append("</svg>")
    return "".join(out)


L_TODAY = {"ja": "評価基準日", "en": "evaluation date"}


def render(d: dict[str, Any], **_: Any) -> str:
    lang = d["lang"]
    ja = lang == "ja"
    L = labels(lang)
    p = d["profile"]
    s = d["summary"]
    name = p["name"] + (f" ({p['name_en']})" if p.get("name_en") and lang == "en" else "")
    title = f"{L['title']}: {name} {d['as_of']}"
    header = (f"{name}　{L['title']}　{L['evaluated']} {date_label(d['as_of'], lang)}" if ja else
              f"{name} · {L['title']} · {L['evaluated']} {d['as_of']}")
    style = css(header)
    out: list[str] = []
    add = out.append
    add("<!DOCTYPE html>")
    add(f'<html lang="{e(lang)}">')
    add("<head>")
    add('<meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"style-src {_csp_hash(style)}; script-src {_csp_hash(JS)}; img-src data:; base-uri 'none'; "
        "form-action 'none'\">")
    add('<meta name="generator" content="' + e(f"{d['tool']['name']} {d['tool']['version']}") + '">')
    add(f"<title>{e(title)}</title>")
    add(f"<style>{style}</style>")
    add("</head>")
    add("<body>")
    add("<header>")
    add(f"<h1>{e(L['title'])}: {e(name)}</h1>")
    cats = ", ".join(f"{area_short(d, a)} {c['edition']}" for a, c in d["catalogs"].items())
    fr = freshness(d)
    data_as_of = date_label(p["as_of"], lang)
    if fr["basis"]:
        data_as_of += f"（{L['basis_names'].get(fr['basis'], fr['basis'])}）" if ja else f" ({fr['basis']})"
    meta = [(L["profile"], f"{p['name']}  {p['code']}  {p['prefecture']}  ({p['id']})"),
            (L["evaluated"], date_label(d["as_of"], lang)),
            (L["data_as_of"], data_as_of),
            (L["catalogs"], cats), (L["rules_version"], d["rules_version"]),
            (L["due_soon_days"], str(d["due_soon_days"]))]
    add('<dl class="meta">' + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in meta) + "</dl>")
    add("</header>")
    add(_banner(d, lang))

    # summary by area and status: a table and the same as a chart; the deadlines as a timeline
    add('<section id="summary">')
    add(f"<h2>{e(L['summary'])}: {e(L['by_area'])}</h2>")
    statuses = list(s["by_status"])
    add('<div class="charts"><div>')
    add('<table class="summary"><thead><tr>' + f"<th>{e(L['area'])}</th>"
        + "".join(f'<th><span class="badge st-{e(st)}">{e(status_name(st, lang))}</span></th>'
                  for st in statuses if s["by_status"][st])
        + f"<th>{e(L['total'])}</th></tr></thead><tbody>")
    shown = [st for st in statuses if s["by_status"][st]]
    for area, counts in s["by_area"].items():
        add(f'<tr><th title="{e(area)}">{e(area_short(d, area))}</th>'
            + "".join(f'<td class="n">{counts[st]}</td>' for st in shown)
            + f'<td class="n">{sum(counts.values())}</td></tr>')
    add(f"<tr><th>{e(L['total'])}</th>" + "".join(f'<td class="n">{s["by_status"][st]}</td>' for st in shown)
        + f'<td class="n" id="summary-total">{s["total"]}</td></tr>')
    add("</tbody></table>")
    add(f'<p class="muted">{e(L["by_severity"])}: '
        + e("、".join(f"{severity_name(v, lang)} {n}" for v, n in s["by_severity"].items()) if ja else
            ", ".join(f"{severity_name(v, lang)} {n}" for v, n in s["by_severity"].items())) + "</p>")
    add("</div>")
    add(f'<figure><figcaption>{e("分野別の状態" if ja else "Statuses by area")}</figcaption>'
        + area_bars([(a, area_short(d, a), c) for a, c in s["by_area"].items()], lang)
        + _legend(shown, lang) + "</figure>")
    tl = _timeline(d, lang)
    if tl:
        add(f'<figure><figcaption>{e("未対応事項の期限（円の大きさは件数、色は最も重い状態）" if ja else "Deadlines of open findings (size: count; colour: worst status)")}'
            f"</figcaption>{tl}</figure>")
    add("</div>")
    add("</section>")

    # findings
    add('<section id="findings-section">')
    count = '<span id="finding-count"></span>'
    total = f'<span id="finding-total">{s["total"]}</span>'
    add(f"<h2>{e(L['findings'])}（表示中 {count} 件 / 全 {total} 件）</h2>" if ja else
        f"<h2>{e(L['findings'])} (showing {count} of {total})</h2>")
    areas = list(dict.fromkeys([a for a in s["by_area"]] + sorted({f["area"] for f in d["findings"]})))
    add('<div class="controls no-print">'
        f'<label>{e(L["search"])} <input id="f-text" type="search"></label>'
        f'<label>{e(L["status"])} <select id="f-status">'
        + _options([(x, status_name(x, lang)) for x in statuses if s["by_status"][x]], L["all"]) + "</select></label>"
        f'<label>{e(L["severity"])} <select id="f-severity">'
        + _options([(x, severity_name(x, lang)) for x in SEVERITIES
                    if any(f["severity"] == x for f in d["findings"])], L["all"]) + "</select></label>"
        f'<label>{e(L["area"])} <select id="f-area">'
        + _options([(a, area_short(d, a)) for a in areas], L["all"]) + "</select></label>"
        f'<button type="button" id="b-reset">{e("条件をクリア" if ja else "Clear filters")}</button>'
        f'<button type="button" id="b-open">{e("すべて開く" if ja else "Open all")}</button>'
        f'<button type="button" id="b-close">{e("すべて閉じる" if ja else "Close all")}</button>'
        f'<button type="button" id="b-print">{e(L["print"])}</button>'
        f'<span class="muted">{e(L["sort_hint"])}</span></div>')
    heads = [("id", "text"), ("status", "num"), ("severity", "num"), ("area", "text"), ("requirement", "text"),
             ("deadline", "text"), ("days", "num"), ("fy", "text"), ("message", "text")]
    add('<table id="findings"><colgroup>' + "".join(f'<col class="c-{k}">' for k, _ in heads)
        + '</colgroup><thead><tr>'
        + "".join(f'<th data-type="{t}" scope="col">{e(L[k])}</th>' for k, t in heads) + "</tr></thead><tbody>")
    for f in d["findings"]:
        add(_finding_row(f, lang, L, d))
    add("</tbody></table>")
    if not d["findings"]:
        add(f"<p>{e(L['none'])}</p>")
    add("</section>")

    # printed only: every finding's details, compact, references by their number in the list below
    cites = cited_by_source(d)
    ref_no = {_ref_key(r): i for i, (r, _) in enumerate(cites, 1)}
    if d["findings"]:
        add('<section id="appendix" class="print-only">')
        add(f"<h2>{e('付録: 指摘事項の詳細（出典の番号は「引用された出典」の番号）' if ja else 'Appendix: the findings in detail (source numbers refer to Sources cited)')}</h2>")
        add('<div class="appendix">' + _appendix(d["findings"], lang, L, ref_no) + "</div>")
        add("</section>")

    # waivers
    ws = d.get("waivers")
    if ws:
        add('<section id="waivers">')
        add(f"<h2>{e(L['waivers'])}</h2>")
        add("<ul>" + "".join(f"<li>{e(n.strip())}</li>" for n in waiver_notes(d)) + "</ul>")
        add("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in (
            "", L["waiver"], L["justification"], L["approved_by"], L["expires"], L["findings_label"])) + "</tr></thead><tbody>")
        for kind in ("applied", "expired", "unmatched", "other_profiles"):
            for w in ws[kind]:
                add(f"<tr><td>{e(L[kind])}</td><td>{e((w['id'] + ' ') if w.get('id') else '')}{e(waiver_target(w))}"
                    f"<br><span class=\"muted\">{e(w['ref'])}</span></td><td>{e(w['justification'])}</td>"
                    f"<td>{e(w['approved_by'])}{e(' ' + w['approved_on'] if w.get('approved_on') else '')}</td>"
                    f"<td{EXPIRED_CLASS if w['expired'] else ''}>{e(date_label(w['expires'], lang))}</td>"
                    f"<td>{e(', '.join(w['findings']) or '-')}</td></tr>")
        add("</tbody></table>")
        add("</section>")

    # sources: inputs with hashes, catalog editions, cited sources
    add('<section id="sources">')
    add(f"<h2>{e(L['inputs'])}</h2>")
    add("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in (L["kind"], L["path"], "sha256"))
        + "</tr></thead><tbody>")
    for i in d["inputs"]:
        add(f"<tr><td>{e(i['kind'])}</td><td>{e(i['path'])}</td><td class=\"hash\">{e(i['sha256'])}</td></tr>")
    add("</tbody></table>")
    add(f"<h2>{e(L['catalogs'])}</h2>")
    add("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in (L["area"], L["edition"], L["catalog_as_of"],
                                                                     L["path"])) + "</tr></thead><tbody>")
    for a, c in d["catalogs"].items():
        add(f"<tr><td>{e(area_name(d, a))} <span class=\"muted\">({e(a)})</span></td><td>{e(c['edition'])}</td>"
            f"<td>{e(c['as_of'])}</td><td>{e(c['file'])}</td></tr>")
    add("</tbody></table>")
    add(f"<h2>{e(L['citations'])}</h2>")
    add('<ol class="cites">' + "".join(f"<li>{_cited_entry(r, locs, lang)}</li>" for r, locs in cites) + "</ol>")
    add("</section>")
    add(f"<footer>{e(d['tool']['name'])} {e(d['tool']['version'])} · schema {e(d['schema_version'])} · "
        f"{e(L['rules_version'])} {e(d['rules_version'])}</footer>")
    add(f"<script>{JS}</script>")
    add("</body>")
    add("</html>")
    return "\n".join(out) + "\n"
