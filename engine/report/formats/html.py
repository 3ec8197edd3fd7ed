"""HTML: one self-contained file for auditors.

No external assets and nothing fetched from the network: the style and the small script are
inline, and a Content-Security-Policy (with their hashes) forbids loading anything else.  The
page shows the run's identity, a summary by area and status, and the findings table, which can
be sorted (click a column heading) and filtered (text, status, severity, area).  Each finding
opens (<details>) to its title, remediation, evidence, references and waiver.  It prints on A4
(landscape): the controls are hidden and every finding is opened for printing.

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

CSS = """
:root{--fg:#1a1a1a;--muted:#5c5c5c;--line:#c8c8c8;--head:#eef1f5;--overdue:#b00020;--due:#a15c00;
--gap:#7a4b00;--un:#3b5b8c;--waived:#5b5b5b;--ok:#1b6e34}
*{box-sizing:border-box}
body{font-family:"Hiragino Kaku Gothic ProN","Hiragino Sans","Yu Gothic","Meiryo","Noto Sans CJK JP",
"Noto Sans JP",sans-serif;color:var(--fg);margin:1.2rem;line-height:1.45;font-size:14px}
h1{font-size:1.35rem;margin:0 0 .4rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem;border-bottom:2px solid var(--line)}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.3rem 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid var(--line);padding:.25rem .4rem;vertical-align:top;text-align:left}
th{background:var(--head)}
table.summary{width:auto}table.summary td.n{text-align:right;min-width:3.5em}
#findings th{cursor:pointer;user-select:none;white-space:nowrap}
#findings th[aria-sort=ascending]::after{content:" \\25B2"}#findings th[aria-sort=descending]::after{content:" \\25BC"}
#findings td.id,#findings td.nowrap{white-space:nowrap}
td.num{text-align:right}
.badge{display:inline-block;padding:0 .35em;border-radius:3px;color:#fff;white-space:nowrap;font-size:.9em}
.st-overdue{background:var(--overdue)}.st-due_soon{background:var(--due)}.st-gap{background:var(--gap)}
.st-unassessed{background:var(--un)}.st-waived{background:var(--waived)}.st-ok{background:var(--ok)}
.sev-critical{font-weight:bold;color:var(--overdue)}.sev-high{color:var(--overdue)}
.expired{color:var(--overdue);font-weight:bold}
details summary{cursor:pointer}details[open] summary{margin-bottom:.3rem}
details dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0}
details dt{color:var(--muted)}details dd{margin:0}details ul{margin:0;padding-left:1.1rem}
.controls{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.4rem 0 .6rem}
.controls label{white-space:nowrap}
.hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
.muted{color:var(--muted)}
footer{margin-top:1.5rem;color:var(--muted);font-size:.85em}
@page{size:A4 landscape;margin:10mm}
@media print{
body{margin:0;font-size:8.5pt}.no-print{display:none!important}
thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}
h2{break-after:avoid;page-break-after:avoid}
.badge{color:#000;background:none!important;border:1px solid #000}
a{color:inherit;text-decoration:none}
#findings tr[hidden]{display:none}
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
var was=[];
window.addEventListener("beforeprint",function(){
was=Array.prototype.map.call(document.querySelectorAll("#findings details"),function(d){return d.open;});
openAll(true);});
window.addEventListener("afterprint",function(){
Array.prototype.forEach.call(document.querySelectorAll("#findings details"),function(d,k){d.open=!!was[k];});});
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


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def e(v: Any) -> str:
    return "" if v is None else escape(str(v), quote=True)


def _link(url: str | None, text: str) -> str:
    if url and url.startswith(("https://", "http://")):
        return f'<a href="{e(url)}" rel="noopener noreferrer">{e(text)}</a>'
    return e(text)


def _reference(r: dict[str, Any]) -> str:
    main = (r.get("title") or r.get("source") or "") + (f" {r['locator']}" if r.get("locator") else "")
    date = f" ({r['date']})" if r.get("date") else ""
    return _link(r.get("url"), main) + e(date)


def _finding_row(f: dict[str, Any], lang: str, L: dict[str, Any]) -> str:
    w = f["waiver"]
    status = f'<span class="badge st-{e(f["status"])}">{e(status_name(f["status"], lang))}</span>'
    if w and w["expired"]:
        status += f' <span class="expired" title="{e(waiver_text(w, lang))}">*</span>'
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
        f'<td class="nowrap" data-sort="{FINDING_STATUSES.index(f["status"])}">{status}</td>'
        f'<td class="nowrap sev-{e(f["severity"])}" data-sort="{SEVERITIES.index(f["severity"])}">'
        f'{e(severity_name(f["severity"], lang))}</td>'
        f'<td>{e(f["area"])}</td>'
        f'<td>{e(f["requirement"])}<br>{e(f["requirement_name"])}</td>'
        f'<td class="nowrap" data-sort="{e(f["deadline"] or "")}">{e(date_label(f["deadline"], lang))}</td>'
        f'<td class="num" data-sort="{"" if days is None else days}">{"" if days is None else days}</td>'
        f'<td class="nowrap">{e(f["fiscal_year_label"] or "")}</td>'
        f'<td><details><summary>{e(f["message"])}</summary><dl>{"".join(details)}</dl></details></td>'
        "</tr>")


def _options(values: list[tuple[str, str]], all_label: str) -> str:
    return f'<option value="">{e(all_label)}</option>' + "".join(
        f'<option value="{e(v)}">{e(t)}</option>' for v, t in values)


def render(d: dict[str, Any], **_: Any) -> str:
    lang = d["lang"]
    L = labels(lang)
    p = d["profile"]
    s = d["summary"]
    name = p["name"] + (f" ({p['name_en']})" if p.get("name_en") and lang == "en" else "")
    title = f"{L['title']}: {name} {d['as_of']}"
    out: list[str] = []
    add = out.append
    add("<!DOCTYPE html>")
    add(f'<html lang="{e(lang)}">')
    add("<head>")
    add('<meta charset="utf-8">')
    add('<meta name="viewport" content="width=device-width, initial-scale=1">')
    add('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        f"style-src {_csp_hash(CSS)}; script-src {_csp_hash(JS)}; img-src data:; base-uri 'none'; "
        "form-action 'none'\">")
    add('<meta name="generator" content="' + e(f"{d['tool']['name']} {d['tool']['version']}") + '">')
    add(f"<title>{e(title)}</title>")
    add(f"<style>{CSS}</style>")
    add("</head>")
    add("<body>")
    add("<header>")
    add(f"<h1>{e(L['title'])}: {e(name)}</h1>")
    cats = ", ".join(f"{a} {c['edition']}" for a, c in d["catalogs"].items())
    meta = [(L["profile"], f"{p['name']}  {p['code']}  {p['prefecture']}  ({p['id']})"),
            (L["evaluated"], date_label(d["as_of"], lang)),
            (L["data_as_of"], date_label(p["as_of"], lang)),
            (L["catalogs"], cats), (L["rules_version"], d["rules_version"]),
            (L["due_soon_days"], str(d["due_soon_days"]))]
    add('<dl class="meta">' + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in meta) + "</dl>")
    add("</header>")

    # summary by area and status
    add('<section id="summary">')
    add(f"<h2>{e(L['summary'])}: {e(L['by_area'])}</h2>")
    statuses = list(s["by_status"])
    add('<table class="summary"><thead><tr>' + f"<th>{e(L['area'])}</th>"
        + "".join(f'<th><span class="badge st-{e(st)}">{e(status_name(st, lang))}</span></th>' for st in statuses)
        + f"<th>{e(L['total'])}</th></tr></thead><tbody>")
    for area, counts in s["by_area"].items():
        add(f"<tr><th>{e(area)}</th>" + "".join(f'<td class="n">{counts[st]}</td>' for st in statuses)
            + f'<td class="n">{sum(counts.values())}</td></tr>')
    add(f"<tr><th>{e(L['total'])}</th>" + "".join(f'<td class="n">{s["by_status"][st]}</td>' for st in statuses)
        + f'<td class="n" id="summary-total">{s["total"]}</td></tr>')
    add("</tbody></table>")
    add(f"<h2>{e(L['by_severity'])}</h2>")
    add('<table class="summary"><thead><tr>'
        + "".join(f'<th class="sev-{e(v)}">{e(severity_name(v, lang))}</th>' for v in s["by_severity"])
        + "</tr></thead><tbody><tr>"
        + "".join(f'<td class="n">{n}</td>' for n in s["by_severity"].values()) + "</tr></tbody></table>")
    add("</section>")

    # findings
    add('<section id="findings-section">')
    count = '<span id="finding-count"></span>'
    total = f'<span id="finding-total">{s["total"]}</span>'
    add(f"<h2>{e(L['findings'])}（表示中 {count} 件 / 全 {total} 件）</h2>" if lang == "ja" else
        f"<h2>{e(L['findings'])} (showing {count} of {total})</h2>")
    areas = sorted({f["area"] for f in d["findings"]})
    add('<div class="controls no-print">'
        f'<label>{e(L["search"])} <input id="f-text" type="search"></label>'
        f'<label>{e(L["status"])} <select id="f-status">'
        + _options([(x, status_name(x, lang)) for x in statuses if s["by_status"][x]], L["all"]) + "</select></label>"
        f'<label>{e(L["severity"])} <select id="f-severity">'
        + _options([(x, severity_name(x, lang)) for x in SEVERITIES
                    if any(f["severity"] == x for f in d["findings"])], L["all"]) + "</select></label>"
        f'<label>{e(L["area"])} <select id="f-area">' + _options([(a, a) for a in areas], L["all"])
        + "</select></label>"
        f'<button type="button" id="b-reset">{e("条件をクリア" if lang == "ja" else "Clear filters")}</button>'
        f'<button type="button" id="b-open">{e("すべて開く" if lang == "ja" else "Open all")}</button>'
        f'<button type="button" id="b-close">{e("すべて閉じる" if lang == "ja" else "Close all")}</button>'
        f'<button type="button" id="b-print">{e(L["print"])}</button>'
        f'<span class="muted">{e(L["sort_hint"])}</span></div>')
    heads = [("id", "text"), ("status", "num"), ("severity", "num"), ("area", "text"), ("requirement", "text"),
             ("deadline", "text"), ("days", "num"), ("fy", "text"), ("message", "text")]
    add('<table id="findings"><thead><tr>'
        + "".join(f'<th data-type="{t}" scope="col">{e(L[k])}</th>' for k, t in heads) + "</tr></thead><tbody>")
    for f in d["findings"]:
        add(_finding_row(f, lang, L))
    add("</tbody></table>")
    if not d["findings"]:
        add(f"<p>{e(L['none'])}</p>")
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
        add(f"<tr><td>{e(a)}</td><td>{e(c['edition'])}</td><td>{e(c['as_of'])}</td><td>{e(c['file'])}</td></tr>")
    add("</tbody></table>")
    add(f"<h2>{e(L['citations'])}</h2>")
    add("<ul>" + "".join(f"<li>{_reference(r)}</li>" for r in cited_sources(d)) + "</ul>")
    add("</section>")
    add(f"<footer>{e(d['tool']['name'])} {e(d['tool']['version'])} · schema {e(d['schema_version'])} · "
        f"{e(L['rules_version'])} {e(d['rules_version'])}</footer>")
    add(f"<script>{JS}</script>")
    add("</body>")
    add("</html>")
    return "\n".join(out) + "\n"
