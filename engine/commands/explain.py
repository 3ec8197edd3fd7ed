"""Human views of catalogs and rules: `catalogs list|show`, `rules list`, `explain`."""
from __future__ import annotations

import json
import re
from collections import Counter

from ..load import jdate
from ..api import Engine
from ..load.catalog import CatalogSet, cite
from ..errors import GapcheckError
from ..labels import (FACT_NAMES, KIND_NAMES, LEVEL_NAMES, LABELS, OBLIGATION_NAMES, OBLIGATION_WHY,
                      RULE_STATUS_NAMES, VIEW_HEADINGS as H, area_name, word)
from ..report.formats.fit import fit_table, terminal_width, wrap_to
from ..load.validation import _suggest
from ..match.conditions import describe as describe_conditions

def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


_VALUE_WORDS = None


def _values_in_words(line: str) -> str:
    """A condition described in Japanese with the profile's and the engine's status codes in
    words ("status が planned, in_progress のいずれか" -> "status が 予定, 対応中 のいずれか");
    the conditions as written follow it for rule authors."""
    import re

    global _VALUE_WORDS
    if _VALUE_WORDS is None:
        from ..labels import ITEM_STATUS_NAMES

        words = {**LABELS["ja"]["status_names"], **ITEM_STATUS_NAMES["ja"], "by_deadline": "期限により判定",
                 "due_soon": "期限間近"}
        _VALUE_WORDS = (re.compile(r"(?<![\w.])(%s)(?![\w])" % "|".join(sorted(words, key=len, reverse=True))),
                        words)
    pat, words = _VALUE_WORDS
    return pat.sub(lambda m: words[m.group(1)], line)


def _sev(sev: str, lang: str) -> str:
    return LABELS[lang]["severity_names"].get(sev, sev)


def list_catalogs(cs: CatalogSet, fmt: str, lang: str, width: int | None = None) -> str:
    rows = []
    for area, cat in cs.catalogs.items():
        kinds = Counter(i.kind for i in cat.items)
        rows.append({"area": area, "name": cat.name.get(lang), "edition": cat.edition,
                     "as_of": cat.as_of.isoformat(), "items": len(cat.items),
                     "kinds": dict(sorted(kinds.items()))})
    if fmt == "json":
        return _dump(rows)
    h = H[lang]
    return fit_table([[r["area"], r["name"], r["edition"], r["as_of"], r["items"],
                       "、".join(f"{word(KIND_NAMES, k, lang)} {v}" for k, v in r["kinds"].items()) if lang == "ja"
                       else ", ".join(f"{word(KIND_NAMES, k, lang)} {v}" for k, v in r["kinds"].items())]
                      for r in rows],
                     [h["area_id"], h["name"], h["edition"], h["as_of"], h["items"], h["kinds"]],
                     width or terminal_width(), wrap_min={1: 12, 5: 12}) + "\n"


def _catalog(cs: CatalogSet, area: str):
    for a, c in cs.catalogs.items():       # by its name too
        if area in (c.name.ja, c.name.en):
            area = a
    if area not in cs.catalogs:
        sug = _suggest(area, list(cs.catalogs))
        raise GapcheckError(f"no catalog '{area}'", f"カタログ '{area}' はありません",
                            hint_en=(f"did you mean '{sug}'? " if sug else "") + "areas: " + ", ".join(cs.catalogs),
                            hint_ja=(f"'{sug}' の誤りではありませんか？ " if sug else "") + "分野: " + ", ".join(cs.catalogs))
    return cs.catalogs[area]


def show_catalog(cs: CatalogSet, area: str, fmt: str, lang: str, width: int | None = None) -> str:
    cat = _catalog(cs, area)
    W = width or terminal_width()
    items = []
    for it in cat.items:
        items.append({
            "id": it.id, "name": it.name.get(lang), "name_ja": it.name.ja, "kind": it.kind,
            "group": it.group, "level": it.level, "obligation": it.obligation,
            "deadline": it.deadline.isoformat() if it.deadline else None,
            "extended_deadline": it.extended_deadline.deadline.isoformat() if it.extended_deadline else None,
            "effective_from": it.effective_from.isoformat() if it.effective_from else None,
            "attrs": it.attrs, "citation": cite(cat, it.citation),
            "superseded_by": it.superseded_by,
            "withdrawn": it.withdrawn.isoformat() if it.withdrawn else None,
        })
    if fmt == "json":
        return _dump({"area": cat.area, "name": cat.name.model_dump(), "edition": cat.edition,
                      "as_of": cat.as_of.isoformat(),
                      "sources": [s.model_dump(mode="json") for s in cat.sources],
                      "lists": {k: v.model_dump() for k, v in cat.lists.items()},
                      "items": items})
    h = H[lang]
    head = "\n".join(wrap_to(f"{cat.name.get(lang)}  {h['edition']}: {cat.edition}  {h['as_of']}: {cat.as_of}",
                              W)) + "\n"
    rows = []
    for it in items:
        dl = jdate.date_label(jdate.parse_day(it["deadline"]), lang) if it["deadline"] else ""
        if it["extended_deadline"]:
            dl += f" → {it['extended_deadline']}"
        rows.append([it["id"], it["name"], word(KIND_NAMES, it["kind"], lang), it["group"] or "",
                     word(LEVEL_NAMES, it["level"], lang), OBLIGATION_NAMES[lang][it["obligation"]], dl,
                     "; ".join(f"{c['source']} {c['locator'] or ''}".strip() for c in it["citation"])])
    table = fit_table(rows, [h["id"], h["name"], h["kind"], h["group"], h["level"], h["obligation"],
                             h["deadline"], h["sources"]], W, wrap_min={1: 10, 2: 6, 3: 6, 5: 6, 6: 10, 7: 10})
    srcs = "\n".join(ln for s in cat.sources for ln in wrap_to(
        f"[{s.id}] {s.title}" + (f" ({s.date})" if s.date else "") + (f" {s.url}" if s.url else ""), W, "  "))
    lists = "".join(ln + "\n" for k, v in cat.lists.items() for ln in wrap_to(f"[{k}] {v.get(lang)}", W, "  "))
    lists = (("\n一覧:\n" if lang == "ja" else "\nLists:\n") + lists) if lists else ""
    return head + "\n" + table + "\n\n" + h["sources"] + ":\n" + srcs + "\n" + lists


def list_rules(engine: Engine, fmt: str, lang: str, width: int | None = None) -> str:
    rows = [{"id": r.id, "catalog": r.catalog, "fact": r.fact, "status": r.status, "severity": r.severity,
             "obligation": r.obligation, "title": r.title.get(lang), "examples": len(r.examples)}
            for r in engine.rules.rules]
    if fmt == "json":
        return _dump(rows)
    h = H[lang]
    cats = engine.catalogs.catalogs
    W = width or terminal_width()
    every = "要件による" if lang == "ja" else "the requirement's"
    out = []
    by: dict[str, list] = {}
    for r in rows:
        by.setdefault(r["catalog"], []).append(r)
    for area, rs in by.items():          # one table per area, under the area's name
        name = area_name(cats, area, lang) if area != "*" else ("全分野" if lang == "ja" else "every area")
        out += [""] if out else []
        out += wrap_to(f"■ {name}（{len(rs)}）" if lang == "ja" else f"■ {name} ({len(rs)})", W)

        def table(split: bool) -> str:
            return fit_table([[r["id"].replace(".", ".\n", 1) if split else r["id"],
                               word(RULE_STATUS_NAMES, r["status"], lang), _sev_word(r["severity"], lang),
                               OBLIGATION_NAMES[lang].get(r["obligation"], every), r["title"]] for r in rs],
                             [h["rule"], h["status"], h["severity"], h["obligation"], h["title"]],
                             W, wrap_min={0: 20, 2: 6, 3: 6, 4: 16})

        t = table(False)
        # a rule ID that would be cut inside a word breaks after its area instead
        out.append(t if all(r["id"] in t for r in rs) else table(True))
    return "\n".join(out) + "\n"


def _sev_word(sev: str, lang: str) -> str:
    if sev == "by_obligation":
        return "義務の種類による" if lang == "ja" else "by obligation"
    return _sev(sev, lang)


def _severity_line(r, lang: str) -> str:
    """The severity, and for by_obligation the table's values for the rule's obligations."""
    from ..vocab import SEVERITY_BY_OBLIGATION

    if r.severity != "by_obligation":
        return _sev_word(r.severity, lang)
    status = "overdue" if r.status == "by_deadline" else r.status
    table = SEVERITY_BY_OBLIGATION[status]
    obs = [r.obligation] if r.obligation else list(table)
    if r.obligation:
        return _sev_word(table[r.obligation], lang) + (" （義務の種類による）" if lang == "ja" else " (by obligation)")
    parts = ", ".join(f"{OBLIGATION_NAMES[lang][o]} {_sev_word(table[o], lang)}" for o in obs)
    return _sev_word("by_obligation", lang) + f" ({parts})"


def _where(file: str, line: int | None) -> str:
    from pathlib import Path

    p = Path(file)
    return f"{p.parent.name}/{p.name}" + (f":{line}" if line else "")


FINDING_ID = re.compile(r"GC-[0-9a-f]{12}", re.I)


def _by_name(cs: CatalogSet, ident: str) -> str:
    """A requirement ID from its name (Japanese or English, exact, else one that contains
    `ident`); `ident` itself when none matches. Several matches: an error naming them."""
    items = [(rid, it) for rid, (_, it) in cs.items.items()]
    exact = [rid for rid, it in items if ident in (it.name.ja, it.name.en)]
    if exact:
        return exact[0]
    low = ident.lower()
    part = [rid for rid, it in items if ident in it.name.ja or (len(low) > 3 and low in it.name.en.lower())]
    if len(part) == 1:
        return part[0]
    if len(part) > 1:
        names = ", ".join(f"{rid} {cs.items[rid][1].name.ja}" for rid in part[:12]) + (" ..." if len(part) > 12 else "")
        raise GapcheckError(f"'{ident}' is part of the names of {len(part)} requirements: {names}",
                            f"'{ident}' を名称に含む要件が{len(part)}件あります: {names}",
                            hint_en="give the requirement ID or the whole name",
                            hint_ja="要件IDか名称全体を指定してください")
    return ident


def explain_finding(engine: Engine, fid: str, lang: str, profile: str | None, as_of=None) -> str:
    """A finding of a profile's run: its status, basis and evidence, then its requirement."""
    from ..api import resolve_as_of
    from ..labels import LABELS as LB
    from ..report.formats.common import evidence_text

    ja = lang == "ja"
    fid = fid[:3].upper() + fid[3:].lower()
    if not profile:
        raise GapcheckError(f"a finding ID ({fid}) belongs to one profile's run: name the profile",
                            f"指摘ID（{fid}）はプロファイルごとの評価結果のIDです。プロファイルを指定してください",
                            hint_en=f"gapcheck explain {fid} --profile PROFILE.yaml [--as-of DATE]",
                            hint_ja=f"gapcheck explain {fid} --profile プロファイル.yaml [--as-of 評価基準日]")
    day = resolve_as_of(as_of)
    result = engine.run(profile, as_of=day, include_passed=True, langs=(lang,))
    f = next((x for x in result.findings if x.id == fid or fid in (getattr(x, "legacy_ids", None) or ())), None)
    if f is None:
        raise GapcheckError(f"no finding {fid} in the run of {profile} as of {day}",
                            f"{profile} の {day} の評価結果に指摘 {fid} はありません", file=profile,
                            hint_en="finding IDs come from gapcheck run; check the profile and --as-of",
                            hint_ja="指摘IDは gapcheck run の出力にあります。プロファイルと --as-of を確認してください")
    L = LB[lang]
    status = L["status_names"].get(f.status, f.status)
    out = [f"{f.id}: {f.title[lang]}",
           f"  {'要件' if ja else 'requirement'}: {f.requirement} {f.requirement_name[lang]}",
           f"  {'状態' if ja else 'status'}: {status}   {'重大度' if ja else 'severity'}: {_sev(f.severity, lang)}   "
           f"{'ルール' if ja else 'rule'}: {f.rule}"]
    basis = getattr(f, "basis", None)
    if basis:
        age = getattr(f, "data_age_days", None)
        stale = getattr(f, "stale", False)
        out.append(f"  {'根拠' if ja else 'basis'}: {L['basis_names'].get(basis, basis)}"
                   + ((f"、{age:,}日前のデータ" if ja else f", data {age:,} days old") if age is not None else "")
                   + (("（古い）" if ja else " (stale)") if stale else ""))
    if f.deadline:
        out.append(f"  {'期限' if ja else 'deadline'}: {jdate.date_label(f.deadline, lang)}"
                   + (f"（残{f.days_to_deadline}日）" if ja and f.days_to_deadline is not None else
                      f" ({f.days_to_deadline} days left)" if f.days_to_deadline is not None else ""))
    out.append(f"  {'内容' if ja else 'message'}: {f.message[lang]}")
    if f.remediation:
        out.append(f"  {'対応' if ja else 'remediation'}: {f.remediation[lang]}")
    out.append(f"  {'根拠（プロファイル）' if ja else 'evidence (profile)'}:")
    out += [f"    {evidence_text(e, lang)}" for e in f.evidence] or ["    -"]
    out.append(f"  {'評価基準日' if ja else 'evaluated as of'}: {jdate.date_label(day, lang)}")
    out.append("")
    return "\n".join(out) + "\n" + explain(engine, f.requirement, lang)


def explain(engine: Engine, ident: str, lang: str, profile: str | None = None, as_of=None) -> str:
    """What a rule checks (conditions in words and as written), the requirements and sources it
    reads, its severity and why (the obligation), its remediation and its examples; or what a
    requirement (by its ID or its name) demands, its deadline and sources, and the rules that
    assess it; or a finding of a profile's run (GC-..., with `profile`)."""
    import yaml

    from ..load.rules import rule_line

    ja = lang == "ja"
    cs = engine.catalogs
    if FINDING_ID.fullmatch(ident):
        return explain_finding(engine, ident, lang, profile, as_of)
    if ident not in cs.items and ident.upper() in cs.items:
        ident = ident.upper()
    if ident not in cs.items and not any(r.id == ident for r in engine.rules.rules):
        ident = _by_name(cs, ident)
    for r in engine.rules.rules:
        if r.id == ident:
            file, line = rule_line(engine.rules, r)
            cat = cs.catalogs.get(r.catalog)
            if cat is None:            # a common rule (catalog "*"): every area
                reqs = list(cs.items)
                where = ("  分野: 全分野（共通ルール）" if ja else "  catalog: every area (a common rule)")
            else:
                reqs = [r.requirement] if r.requirement else [i.id for i in cat.items]
                where = (f"  分野: {cat.name.ja}（分野ID {r.catalog}）、版 {cat.edition}" if ja else
                         f"  catalog: {r.catalog} ({cat.name.get(lang)}), edition {cat.edition}")
            sev = _severity_line(r, lang)
            every = "要件による" if ja else "the requirement's"
            out = [f"{r.id}: {r.title.get(lang)}",
                   f"  {'定義' if ja else 'defined in'}: {_where(file, line)}",
                   where,
                   f"  {'判定する状態' if ja else 'finding status'}: {word(RULE_STATUS_NAMES, r.status, lang)}   "
                   f"{'重大度' if ja else 'severity'}: {sev}   "
                   f"{'義務の種類' if ja else 'obligation'}: {OBLIGATION_NAMES[lang].get(r.obligation, every)}",
                   f"  {'重大度の理由' if ja else 'why this severity'}: {OBLIGATION_WHY[lang].get(r.obligation, every)}",
                   ("  判定条件（" + ("要件ごと" if r.fact == "requirement" else "団体ごと")
                    + "。すべて満たすとき指摘）:") if ja else
                   ("  what it checks (" + ("per requirement" if r.fact == "requirement" else "per profile")
                    + "; a finding when all hold):")]
            out += ["    " + (_values_in_words(ln) if ja else ln) for ln in describe_conditions(r.when, lang)]
            out.append(f"  {'条件（記述のまま）' if ja else 'conditions as written'}:")
            out += ["    " + ln for ln in yaml.safe_dump(r.when, allow_unicode=True, sort_keys=False).splitlines()]
            out.append(f"  {'メッセージ' if ja else 'message'}: {r.message.get(lang)}")
            if r.remediation:
                out.append(f"  {'対応' if ja else 'remediation'}: {r.remediation.get(lang)}")
            out.append(f"  {'対象要件' if ja else 'requirements'} ({len(reqs)}): " + ", ".join(reqs[:25])
                       + (" ..." if len(reqs) > 25 else ""))
            srcs: dict[str, dict] = {}
            for rid in reqs:
                for c in cs.citations(cs.item(rid)):
                    srcs.setdefault(c["source"], c)
            for c in sorted(srcs.values(), key=lambda c: c["source"]):
                out.append(f"  {'出典' if ja else 'source'}: [{c['source']}] {c['title']}"
                           + (f" ({c['date']})" if c["date"] else "") + (f" <{c['url']}>" if c["url"] else ""))
            for ref in r.references:
                out.append(f"  {'参考' if ja else 'reference'}: {ref}")
            out.append(f"  {'例' if ja else 'examples'}:")
            for i, ex in enumerate(r.examples, 1):
                note = f" — {ex.get('note')}" if ex.get("note") else ""
                body = {k: v for k, v in ex.items() if k not in ("expect", "note")}
                expect = {"fire": "指摘する", "no_fire": "指摘しない"}.get(str(ex.get("expect")), ex.get("expect")) \
                    if ja else ex.get("expect")
                out.append(f"    {i}. {expect}{note}: " + json.dumps(body, ensure_ascii=False, default=str))
            return "\n".join(out) + "\n"
    if ident in cs.items:
        cat, it = cs.items[ident]
        out = [f"{it.id}: {it.name.ja} / {it.name.en}",
               (f"  分野: {cat.name.ja}（分野ID {cat.area}）、版 {cat.edition}" if ja else
                f"  area: {cat.area} ({cat.name.get(lang)}), edition {cat.edition}"),
               f"  {'種別' if ja else 'kind'}: {word(KIND_NAMES, it.kind, lang)}" + (f" / {it.group}" if it.group else "")
               + f" / {word(LEVEL_NAMES, it.level, lang)}",
               f"  {'義務の種類' if ja else 'obligation'}: {OBLIGATION_NAMES[lang][it.obligation]}"
               f" — {OBLIGATION_WHY[lang][it.obligation]}"]
        if it.deadline:
            out.append(f"  {'期限' if ja else 'deadline'}: {jdate.date_label(it.deadline, lang)}")
        if it.extended_deadline:
            out.append(f"  {'延長期限' if ja else 'extended deadline'}: {jdate.date_label(it.extended_deadline.deadline, lang)}"
                       f" ({it.extended_deadline.name.get(lang)})")
        if it.effective_from:
            out.append(f"  {'適用開始' if ja else 'in force from'}: {jdate.date_label(it.effective_from, lang)}")
        if it.expect:
            from ..match.evaluate import _label

            out.append(f"  {'求められる値' if ja else 'expected value'}: {_label(it.expect, lang)}")
        if it.superseded_by:
            out.append(f"  {'後継の要件' if ja else 'superseded by'}: {it.superseded_by}")
        if it.withdrawn:
            out.append(f"  {'廃止' if ja else 'withdrawn'}: {jdate.date_label(it.withdrawn, lang)}")
        for c in cite(cat, it.citation):
            out.append(f"  {'出典' if ja else 'source'}: {c['title']} {c['locator'] or ''}".rstrip()
                       + (f" <{c['url']}>" if c["url"] else ""))
        if it.note:
            out.append(f"  {'注記' if ja else 'note'}: {it.note}")
        rules = [r for r in engine.rules.rules
                 if r.catalog in (cat.area, "*") and (r.requirement in (None, it.id))]
        out.append(f"  {'判定するルール' if ja else 'rules that assess it'}:")
        for r in rules:
            out.append(f"    {r.id} ({word(RULE_STATUS_NAMES, r.status, lang)}, {_sev_word(r.severity, lang)}): "
                       f"{r.title.get(lang)}")
        out.append("  " + ("詳しくは: gapcheck explain ルールID" if ja else "more: gapcheck explain RULE_ID"))
        return "\n".join(out) + "\n"
    known = [r.id for r in engine.rules.rules] + list(cs.items)
    sug = _suggest(ident, known)
    raise GapcheckError(f"'{ident}' is neither a rule, a requirement (ID or name) nor a finding ID",
                        f"'{ident}' はルールID・要件（IDまたは名称）・指摘IDのいずれでもありません",
                        hint_en=f"did you mean '{sug}'?" if sug else "see: gapcheck rules list / gapcheck catalogs list",
                        hint_ja=f"'{sug}' の誤りではありませんか？" if sug else "一覧: gapcheck rules list / gapcheck catalogs list")
