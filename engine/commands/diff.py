"""Run-to-run diff: compare two JSON outputs of `gapcheck run --format json`, by requirement.

Findings are keyed by their requirement (schema 2.0 has one finding per requirement; a 1.x file,
which may hold several, is read as the worst of them), whatever rule produced them, so
- new: a requirement with a finding in NEW only;  resolved: in OLD only (met, not applicable or
  no longer assessed);
- worse / better: in both, the status moved down / up the order of statuses (STATUS_RANK:
  overdue, unverified, due_soon, gap, unassessed, waived, not_applicable, ok — worst first);
- changed: in both, the same status but another severity, deadline, basis or staleness (the
  days left change every day and are not a change).
A 1.x and a 2.0 file compare the same way. A profile, language or rule-set difference between
the two files is reported as a note.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from ..errors import GapcheckError

DIFF_VERSION = "2.0"
COMPARED = ("status", "severity", "deadline", "basis", "stale")
from ..vocab import FINDING_STATUSES, SEVERITIES  # noqa: E402
STATUS_RANK = {s: i for i, s in enumerate(FINDING_STATUSES)}      # lower: worse
_SEV_RANK = {s: i for i, s in enumerate(SEVERITIES)}
_FINDING_KEYS = ("id", "rule", "area", "requirement", "status", "severity", "deadline")


def _bad(file: str, en: str, ja: str, line: int | None = None, path: str | None = None) -> GapcheckError:
    return GapcheckError(en, ja, file=file, line=line, path=path,
                         hint_en="give two files written by: gapcheck run PROFILE --format json",
                         hint_ja="gapcheck run PROFILE --format json で出力したファイルを2つ指定してください")


MAX_BYTES = 256 * 1024 * 1024     # about 100,000 findings (one profile's run: 128 findings, 335 KB)


def _read(file: str) -> bytes:
    from ..load.files import read_bounded

    return read_bounded(file, MAX_BYTES, hint_en="give a file written by: gapcheck run PROFILE --format json -o FILE",
                        hint_ja="gapcheck run PROFILE --format json -o ファイル名 で出力したファイルを指定してください")


def load(file: str) -> tuple[dict[str, Any], str]:
    """Read one findings JSON file; every problem is a GapcheckError naming the file (and line)."""
    raw = _read(file)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad(file, "not UTF-8 text (a findings file is JSON in UTF-8)",
                   "UTF-8 のテキストではありません（指摘事項ファイルは UTF-8 の JSON です）") from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise GapcheckError(f"not valid JSON: {e.msg}", f"JSON として読み取れません: {e.msg}",
                            file=file, line=e.lineno, column=e.colno,
                            hint_en="give a file written by: gapcheck run PROFILE --format json",
                            hint_ja="gapcheck run PROFILE --format json で出力したファイルを指定してください") from None
    except RecursionError:
        raise _bad(file, "the JSON is nested too deeply to be a findings file",
                   "JSON の入れ子が深すぎます（指摘事項ファイルではありません）") from None
    if not isinstance(d, dict) or "findings" not in d or "schema_version" not in d:
        raise _bad(file, "this is not a gapcheck findings file (no schema_version and findings)",
                   "gapcheck の指摘事項ファイルではありません（schema_version と findings がありません）", line=1)
    if not isinstance(d["schema_version"], str) or not d["schema_version"].startswith(("1.", "2.")):
        raise _bad(file, f"unsupported schema_version {d['schema_version']!r} (this gapcheck reads 1.x and 2.x)",
                   f"schema_version {d['schema_version']!r} には対応していません（1.x と 2.x のみ）", path="schema_version")
    if not isinstance(d["findings"], list):
        raise _bad(file, "findings is not a list", "findings がリストではありません", path="findings")

    # Every field diff reads, with the types docs/schema/findings.schema.json gives it: anything
    # else would fail later (an unhashable ID, a list as a status) as an internal error.
    def check(obj: dict, key: str, types: tuple, where: str, required: bool = False) -> None:
        if key not in obj:
            return
        v = obj[key]
        if not isinstance(v, types) or isinstance(v, bool) and bool not in types:
            want_en = " or ".join(dict.fromkeys(_TYPE_NAMES[t][0] for t in types))
            want_ja = "または".join(dict.fromkeys(_TYPE_NAMES[t][1] for t in types))
            got_en, got_ja = _TYPE_NAMES.get(type(v), (type(v).__name__, type(v).__name__))
            raise _bad(file, f"{key} is {got_en}; {want_en} is expected",
                       f"{key} が{got_ja}です（{want_ja}が必要です）", path=f"{where}{key}")

    check(d, "profile", (dict, type(None)), "")
    if isinstance(d.get("profile"), dict):
        check(d["profile"], "id", (str, type(None)), "profile.")
    for key in ("as_of", "lang", "rules_version"):
        check(d, key, (str, type(None)), "")
    check(d, "catalogs", (dict, type(None)), "")
    for area, c in (d.get("catalogs") or {}).items():
        check(d["catalogs"], area, (dict,), "catalogs.")
        check(c, "edition", (str, type(None)), f"catalogs.{area}.")
    seen = set()
    for i, f in enumerate(d["findings"]):
        if not isinstance(f, dict):
            raise _bad(file, f"finding {i} is not an object", f"{i}番目の指摘がオブジェクトではありません",
                       path=f"findings[{i}]")
        missing = [k for k in _FINDING_KEYS if k not in f]
        if missing:
            raise _bad(file, f"finding {i} lacks {', '.join(missing)}",
                       f"{i}番目の指摘に {', '.join(missing)} がありません", path=f"findings[{i}]")
        where = f"findings[{i}]."
        for key in ("id", "rule", "area", "requirement", "status", "severity"):
            check(f, key, (str,), where)
        for key in ("deadline", "requirement_name", "requirement_name_ja", "message"):
            check(f, key, (str, type(None)), where)
        check(f, "waiver", (dict, type(None)), where)
        check(f, "basis", (str, type(None)), where)
        check(f, "stale", (bool, type(None)), where)
        if isinstance(f.get("status"), str) and f["status"] not in STATUS_RANK:
            raise _bad(file, f"unknown status {f['status']!r}", f"状態 {f['status']!r} は不明です",
                       path=f"findings[{i}].status")
        for k, v in (f.get("waiver") or {}).items():      # passed through to the diff's output
            check(f["waiver"], k, (str, int, float, bool, type(None)), where + "waiver.")
        if f["id"] in seen:
            raise _bad(file, f"finding ID {f['id']} appears twice", f"指摘ID {f['id']} が重複しています",
                       path=f"findings[{i}].id")
        seen.add(f["id"])
    return d, hashlib.sha256(raw).hexdigest()


_TYPE_NAMES = {str: ("a string", "文字列"), int: ("a number", "数値"), float: ("a number", "数値"),
               bool: ("true or false", "真偽値"), type(None): ("null", "null"), dict: ("an object", "オブジェクト"),
               list: ("a list", "リスト")}


def _brief(f: dict[str, Any]) -> dict[str, Any]:
    return {"id": f["id"], "rule": f["rule"], "area": f["area"], "requirement": f["requirement"],
            "requirement_name": f.get("requirement_name"), "requirement_name_ja": f.get("requirement_name_ja"),
            "status": f["status"], "severity": f["severity"],
            "deadline": f["deadline"], "basis": f.get("basis"), "stale": f.get("stale"),
            "message": f.get("message"), "waiver": f.get("waiver")}


def _by_requirement(d: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """One finding per requirement: the worst (a 1.x file may hold several for one requirement)."""
    out: dict[str, dict[str, Any]] = {}
    for f in d["findings"]:
        was = out.get(f["requirement"])
        if was is None or (STATUS_RANK[f["status"]], _SEV_RANK.get(f["severity"], 9)) < \
                (STATUS_RANK[was["status"]], _SEV_RANK.get(was["severity"], 9)):
            out[f["requirement"]] = f
    return out


def _side(d: dict[str, Any], file: str, sha: str) -> dict[str, Any]:
    p = d.get("profile") or {}
    return {"file": file, "sha256": sha, "profile": p.get("id"), "as_of": d.get("as_of"),
            "lang": d.get("lang"), "rules_version": d.get("rules_version"),
            "catalogs": {a: c.get("edition") for a, c in (d.get("catalogs") or {}).items()},
            "findings": len(d["findings"])}


def compare(old: dict[str, Any], new: dict[str, Any], old_file: str = "OLD", new_file: str = "NEW",
            old_sha: str = "", new_sha: str = "") -> dict[str, Any]:
    """The diff model (its JSON form is `gapcheck diff --format json`)."""
    o, n = _by_requirement(old), _by_requirement(new)
    added = [_brief(f) for r, f in n.items() if r not in o]
    resolved = [_brief(f) for r, f in o.items() if r not in n]
    changed, unchanged = [], 0
    counts = {"worse": 0, "better": 0, "same": 0}
    for r, f in n.items():
        if r not in o:
            continue
        was = o[r]
        ch = {k: {"old": was.get(k), "new": f.get(k)} for k in COMPARED
              if k in was and k in f and was.get(k) != f.get(k)}
        if not ch:
            unchanged += 1
            continue
        rank_old, rank_new = STATUS_RANK[was["status"]], STATUS_RANK[f["status"]]
        direction = "worse" if rank_new < rank_old else "better" if rank_new > rank_old else "same"
        counts[direction] += 1
        changed.append({**_brief(f), "old_id": was["id"], "direction": direction, "changes": ch})
    a, b = _side(old, old_file, old_sha), _side(new, new_file, new_sha)
    notes = []
    if a["profile"] != b["profile"]:
        notes.append({"en": f"the files describe different profiles ({a['profile']} / {b['profile']}): "
                            "their requirements are compared, but they are not the same municipality's",
                      "ja": f"2つのファイルの団体が異なります（{a['profile']} / {b['profile']}）。"
                            "要件ごとに比べていますが、同じ団体の比較ではありません"})
    if (old.get("schema_version") or "")[:2] != (new.get("schema_version") or "")[:2]:
        notes.append({"en": f"schema {old.get('schema_version')} → {new.get('schema_version')}: compared by "
                            "requirement (a 1.x file's several findings of one requirement are read as the worst)",
                      "ja": f"スキーマ {old.get('schema_version')} → {new.get('schema_version')}: 要件ごとに比較しました"
                            "（1.x で1要件に複数ある指摘は最も重いものとして読みます）"})
    if a["rules_version"] != b["rules_version"]:
        notes.append({"en": f"the rule set differs ({a['rules_version']} → {b['rules_version']})",
                      "ja": f"ルールセットが異なります（{a['rules_version']} → {b['rules_version']}）"})
    if a["catalogs"] != b["catalogs"]:
        diffs = sorted(k for k in set(a["catalogs"]) | set(b["catalogs"]) if a["catalogs"].get(k) != b["catalogs"].get(k))
        notes.append({"en": "catalog editions differ: " + ", ".join(
                          f"{k} {a['catalogs'].get(k) or '-'} → {b['catalogs'].get(k) or '-'}" for k in diffs),
                      "ja": "カタログの版が異なります: " + ", ".join(
                          f"{k} {a['catalogs'].get(k) or '-'} → {b['catalogs'].get(k) or '-'}" for k in diffs)})
    if a["lang"] != b["lang"]:
        notes.append({"en": f"the files were written in different languages ({a['lang']} / {b['lang']})",
                      "ja": f"2つのファイルの言語が異なります（{a['lang']} / {b['lang']}）"})
    return {
        "diff_version": DIFF_VERSION,
        "old": a, "new": b,
        "summary": {"new": len(added), "resolved": len(resolved), "worse": counts["worse"],
                    "better": counts["better"], "changed": counts["same"], "unchanged": unchanged},
        "new_findings": added, "resolved": resolved, "changed": changed,
        "notes": notes,
    }


def diff_files(old_file: str, new_file: str) -> dict[str, Any]:
    old, osha = load(old_file)
    new, nsha = load(new_file)
    return compare(old, new, old_file, new_file, osha, nsha)


def has_differences(d: dict[str, Any]) -> bool:
    s = d["summary"]
    return bool(s["new"] or s["resolved"] or s["worse"] or s["better"] or s["changed"])


# ------------------------------------------------------------------------------ rendering

from ..labels import DIFF_LABELS as DL  # noqa: E402

def _name(kind: str, v: Any, lang: str) -> str:
    from ..labels import LABELS

    if v is None:
        return "-"
    if kind == "status":
        return LABELS[lang]["status_names"].get(v, v)
    if kind == "severity":
        return LABELS[lang]["severity_names"].get(v, v)
    return str(v)


def _rows(d: dict[str, Any], lang: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    L = DL[lang]
    plain = [L["id"], L["status"], L["severity"], L["deadline"], L["requirement"], L["rule"]]

    def req(f):
        name = (f.get("requirement_name_ja") if lang == "ja" else None) or f.get("requirement_name") or ""
        return f"{f['requirement']} {name}".strip()

    def row(f):
        return [f["id"], _name("status", f["status"], lang), _name("severity", f["severity"], lang),
                f["deadline"] or "-", req(f), f["rule"]]

    def changes(direction):
        return [[f["id"], "; ".join(f"{L.get(k, k)}: {_name(k, c['old'], lang)} → {_name(k, c['new'], lang)}"
                                    for k, c in f["changes"].items()),
                 req(f), f["rule"]] for f in d["changed"] if f["direction"] == direction]
    head = [L["id"], L["change"], L["requirement"], L["rule"]]
    return {
        "new_findings": (plain, [row(f) for f in d["new_findings"]]),
        "resolved": (plain, [row(f) for f in d["resolved"]]),
        "worse": (head, changes("worse")),
        "better": (head, changes("better")),
        "changed": (head, changes("same")),
    }


def _head(d: dict[str, Any], lang: str) -> list[str]:
    L = DL[lang]
    s = d["summary"]
    out = [f"{L['old']}: {d['old']['file']}  ({d['old']['profile']}, {L['as_of']} {d['old']['as_of']}, "
           f"{d['old']['findings']} {L['findings']})",
           f"{L['new']}: {d['new']['file']}  ({d['new']['profile']}, {L['as_of']} {d['new']['as_of']}, "
           f"{d['new']['findings']} {L['findings']})",
           f"{L['new_findings']} {s['new']}  {L['resolved']} {s['resolved']}  {L['worse']} {s['worse']}  "
           f"{L['better']} {s['better']}  {L['changed']} {s['changed']}  {L['unchanged']} {s['unchanged']}"]
    out += [f"{L['notes']}: {n[lang]}" for n in d["notes"]]
    return out


def render(d: dict[str, Any], fmt: str, lang: str, width: int | None = None) -> str:
    if fmt == "json":
        return json.dumps(d, ensure_ascii=False, indent=2) + "\n"
    from ..errors import printable

    # Everything shown comes from the two files (IDs, names, messages) or their names: a control
    # character in them is shown escaped, line by line, so that it cannot drive a terminal.
    return "\n".join(printable(line) for line in _render_text(d, fmt, lang, width).split("\n"))


def _render_text(d: dict[str, Any], fmt: str, lang: str, width: int | None = None) -> str:
    L = DL[lang]
    sections = _rows(d, lang)
    if fmt == "markdown":
        from ..report.formats.mdutil import esc, table

        out = [f"# {L['title']}", ""] + [f"- {esc(x)}" for x in _head(d, lang)]
        if not has_differences(d):
            out += ["", L["none"]]
        for key in ("new_findings", "resolved", "worse", "better", "changed"):
            headers, rows = sections[key]
            if rows:
                out += ["", f"## {L[key]} ({len(rows)})", ""] + table(headers, rows)
        return "\n".join(out) + "\n"
    from ..errors import printable
    from ..report.formats.fit import fit_table, fit_text, terminal_width

    W = width or terminal_width()
    out = _head(d, lang)
    if not has_differences(d):
        out += ["", L["none"]]
    for key in ("new_findings", "resolved", "worse", "better", "changed"):
        headers, rows = sections[key]
        if rows:
            # escaped first (control characters as \\x1b, as every line below): the table
            # would otherwise show them as U+FFFD
            rows = [[printable(str(c)) if c is not None else "" for c in r] for r in rows]
            # a change ("状態: 期限間近 → 期限超過") keeps its words together where it can
            # (one change a line) and its words together where it can
            mins = {j: 26 if h == L["change"] else 10 for j, h in enumerate(headers)}
            if L["change"] in headers:
                j = headers.index(L["change"])
                rows = [r[:j] + [r[j].replace("; ", "\n")] + r[j + 1:] for r in rows]
            out += ["", f"{L[key]} ({len(rows)}):", fit_table(rows, headers, W, wrap_min=mins)]
    return fit_text("\n".join(out) + "\n", W)
