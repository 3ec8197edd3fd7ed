"""Markdown (GitHub flavour): the run's identity, the summary, the findings table, then each
finding's evidence and references, the waivers and the input files."""
from __future__ import annotations

from typing import Any

from .mdutil import esc, link, table
from .common import (OBLIGATION_NAMES, area_label, basis_text, date_label, evidence_text, header_lines, labels, reference_text,
                     severity_name, status_name, waiver_notes, waiver_text)


def render(d: dict[str, Any], **_: Any) -> str:
    lang = d["lang"]
    L = labels(lang)
    p = d["profile"]
    name = p["name"] + (f" ({p['name_en']})" if p.get("name_en") and lang == "en" else "")
    out = [f"# {L['title']}: {esc(name)}", ""]
    out += [f"- {esc(ln)}" for ln in header_lines(d)]
    out += ["", f"## {L['summary']}", ""]
    statuses = list(d["summary"]["by_status"])
    rows = [[area_label(d, a, lang)] + [c[s] for s in statuses] + [sum(c.values())]
            for a, c in d["summary"]["by_area"].items()]
    rows.append([L["total"]] + [d["summary"]["by_status"][s] for s in statuses] + [d["summary"]["total"]])
    out += table([L["area"]] + [status_name(s, lang) for s in statuses] + [L["total"]], rows)
    out += ["", f"## {L['findings']} ({d['summary']['total']})", ""]
    if d["findings"]:
        basis = any(f.get("basis") for f in d["findings"])      # once findings carry a basis
        out += table(
            [L[k] for k in ("id", "status", "severity", "area", "requirement", "rule", "deadline", "days", "fy")]
            + ([L["basis"]] if basis else []) + [L["message"]],
            [[f["id"], status_name(f["status"], lang) + (" *" if f["waiver"] and f["waiver"]["expired"] else ""),
              severity_name(f["severity"], lang), area_label(d, f["area"], lang),
              f"{f['requirement']} {f['requirement_name']}",
              f["rule"], date_label(f["deadline"], lang), f["days_to_deadline"], f["fiscal_year_label"]]
             + ([basis_text(f, lang)] if basis else []) + [f["message"]] for f in d["findings"]])
    else:
        out.append(L["none"])
    notes = waiver_notes(d)
    if notes:
        out += ["", f"## {L['waivers']}", ""] + [("- " + esc(n.strip())) for n in notes]
    if d["findings"]:
        out += ["", f"## {L['details']}", ""]
        for f in d["findings"]:
            out += [f"### {f['id']} {esc(f['title'])}", ""]
            out.append(f"- {L['requirement']}: {f['requirement']} {esc(f['requirement_name'])}"
                       f" ({esc(area_label(d, f['area'], lang))})")
            out.append(f"- {L['rule']}: `{f['rule']}`  {L['status']}: {status_name(f['status'], lang)}  "
                       f"{L['severity']}: {severity_name(f['severity'], lang)}  "
                       f"{L['obligation']}: {OBLIGATION_NAMES[lang][f['obligation']]}")
            if basis_text(f, lang):
                out.append(f"- {L['basis']}: {esc(basis_text(f, lang))}")
            if f["remediation"]:
                out.append(f"- {L['remediation']}: {esc(f['remediation'])}")
            if f["waiver"]:
                out.append(f"- {L['waiver']}: {esc(waiver_text(f['waiver'], lang))}")
            out.append(f"- {L['evidence']}:")
            out += [f"  - {esc(evidence_text(e, lang))}" for e in f["evidence"]] or ["  - -"]
            out.append(f"- {L['references']}:")
            # the only links in the document: catalog and rule sources, http(s) only (mdutil.link)
            out += [f"  - {link(reference_text(dict(r, url=None)), r.get('url'))}" for r in f["references"]]
            out.append("")
    out += [f"## {L['inputs']}", ""]
    out += table([L["kind"], L["path"], "sha256"], [[i["kind"], i["path"], i["sha256"]] for i in d["inputs"]])
    out.append("")
    return "\n".join(out)
