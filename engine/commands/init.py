"""`gapcheck init`: a new profile listing every current requirement, ready to fill in.

Every requirement a municipality is assessed on (not prefectural, not withdrawn on the profile's
date) is listed with ``status: unknown`` and a comment naming it (Japanese / English name,
deadline, and where it applies: the extended deadline, the expected value), grouped by area,
with the area's facts and every other field shown as comments. The output is deterministic
for the same arguments and catalogs: profiles/TEMPLATE.yaml is this output (see TEMPLATE_ARGS).
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
from pathlib import Path

from ..errors import GapcheckError
from ..load import jdate
from ..load.catalog import CatalogSet
from ..load.models import (ITEM_STATUSES, MAX_ID_LENGTH, STATUS_ALIASES, WINDOWS_RESERVED, BilingualValueError,
                           check_profile_id, normalise_code)
from ..load.prefectures import PREFECTURES

# profiles/TEMPLATE.yaml is `gapcheck init` with these arguments (a fictitious town: 例示町,
# code 17999 + check digit 0, which no municipality has).
TEMPLATE_ARGS = {"name": "例示町", "code": "179990", "name_en": "Example", "as_of": "2026-04-01",
                 "profile_id": "example"}
TEMPLATE_PATH = "profiles/TEMPLATE.yaml"


def command_line(name: str, code: str, prefecture: str | None = None, name_en: str | None = None,
                 as_of: str | None = None, profile_id: str | None = None, output: str | None = None) -> str:
    """The `gapcheck init` command line for these arguments (written into the profile's header)."""
    parts = ["gapcheck init", "--name", name, "--code", code]
    for opt, val in (("--prefecture", prefecture), ("--name-en", name_en), ("--as-of", as_of),
                     ("--id", profile_id), ("-o", output)):
        if val:
            parts += [opt, val]
    return parts[0] + " " + " ".join(p if p and " " not in p else json.dumps(p, ensure_ascii=False)
                                     for p in parts[1:])


def template_text(cs: CatalogSet) -> str:
    """profiles/TEMPLATE.yaml, as `gapcheck init` writes it with TEMPLATE_ARGS."""
    return new_profile(cs, **TEMPLATE_ARGS, command=command_line(**TEMPLATE_ARGS, output=TEMPLATE_PATH))


DEFAULT_SCHEMA_REF = "../docs/schema/profile.schema.json"


def _q(s: str) -> str:
    """A YAML scalar for s: plain when that reads back as the same string, else double-quoted."""
    if (s and re.fullmatch(r"[^\s:#\[\]{},&*!|>'\"%@`\-?][^:#]*", s) and not s.endswith(" ")
            and not re.fullmatch(r"[-+]?[\d._]+|true|false|yes|no|on|off|null|~|y|n", s, re.I)):
        return s
    return json.dumps(s, ensure_ascii=False)


def _width(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _kv(text: str, comment: str, column: int = 34) -> str:
    """`text` and a comment starting at `column` (display width, so Japanese lines up too)."""
    return text + " " * max(1, column - _width(text)) + "# " + comment


def prefecture_for(code: str, given: str | None) -> str:
    """The prefecture of a code (its first two digits, JIS X 0401); `given` must agree."""
    pref = PREFECTURES.get(code[:2])
    if pref is None:
        raise GapcheckError(f"--code {code}: {code[:2]} is no prefecture code (01 to 47)",
                            f"--code {code}: 上2桁 {code[:2]} は都道府県コード（01〜47）ではありません")
    if given is not None:
        g = given.strip()
        if g != pref and not (pref != "北海道" and g == pref[:-1]):
            raise GapcheckError(
                f"--prefecture {given} does not match the code: {code} is a code of {pref}",
                f"--prefecture {given} がコードと合いません: {code} は{pref}のコードです",
                hint_en="check the code, or leave --prefecture out (it follows from the code)",
                hint_ja="コードを確認するか、--prefecture を省略してください（コードから決まります）")
    return pref


def _in_environment(path: Path) -> bool:
    """Whether `path` lies inside an installed Python environment (a virtual environment, the
    interpreter's prefix, site-packages): a profile must not point there, since the path breaks
    when the environment is rebuilt, moved or removed, and means nothing on another machine."""
    import site
    import sys
    import sysconfig

    p = path.resolve()
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, sysconfig.get_paths()["purelib"],
             sysconfig.get_paths()["platlib"]}
    try:
        roots |= set(site.getsitepackages()) | {site.getusersitepackages()}
    except AttributeError:        # a virtualenv's old site module
        pass
    if any(part in ("site-packages", "dist-packages") for part in p.parts):
        return True
    for r in roots:
        try:
            p.relative_to(Path(r).resolve())
            return True
        except (ValueError, OSError):
            continue
    return False


def schema_ref_for(output: str | None) -> str | None:
    """The yaml-language-server schema reference for a profile written to `output`: relative to
    its folder when the schema of this source tree is reachable that way, else a file URI; None
    when the only schema is the installed package's (inside the Python environment): then the
    profile says how to write one next to it (gapcheck schema profile -o ...)."""
    from .schema import schema_file

    target = schema_file("profile.schema.json")
    if target is None or _in_environment(target):
        return None
    folder = Path(output).resolve().parent if output else Path.cwd()
    try:
        return os.path.relpath(target, folder).replace(os.sep, "/")
    except ValueError:           # another drive on Windows
        return target.resolve().as_uri()


def new_profile(cs: CatalogSet, *, name: str, code: str, as_of: _dt.date | str,
                prefecture: str | None = None, profile_id: str | None = None, name_en: str | None = None,
                schema_ref: str | None = DEFAULT_SCHEMA_REF, command: str | None = None) -> str:
    """The text of a new profile (YAML with comments)."""
    if not name or not name.strip():
        raise GapcheckError("--name must not be empty", "--name（団体名）を指定してください")
    name = name.strip()
    try:
        code = normalise_code(code)
    except BilingualValueError as e:
        raise GapcheckError("--code: " + e.en, "--code: " + e.ja, hint_en=e.hint_en, hint_ja=e.hint_ja) from None
    pref = prefecture_for(code, prefecture)
    if isinstance(as_of, str):
        as_of = jdate.parse_day(as_of)
    pid = profile_id
    if pid is None:
        slug = re.sub(r"[^a-z0-9]+", "-", (name_en or "").lower()).strip("-")[:MAX_ID_LENGTH].rstrip("-")
        pid = slug if slug and slug not in WINDOWS_RESERVED else f"m{code}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", pid):
        raise GapcheckError(f"--id {pid!r}: a profile id is lower-case letters, digits, '-' and '_'",
                            f"--id {pid!r}: プロファイルIDは英小文字・数字・'-'・'_' で書いてください",
                            hint_en="e.g. --id uchinada", hint_ja="例: --id uchinada")
    try:
        check_profile_id(pid)           # the length and the names Windows reserves
    except BilingualValueError as e:
        raise GapcheckError("--id: " + e.en, "--id: " + e.ja, hint_en=e.hint_en, hint_ja=e.hint_ja) from None
    editions = ", ".join(f"{a} {c.edition}" for a, c in cs.catalogs.items())
    status_line = " | ".join(f"{s}" for s in ITEM_STATUSES)
    aliases = "、".join(f"{k}={v}" for k, v in list(STATUS_ALIASES.items())[:6])
    schema_lines = ([f"# yaml-language-server: $schema={schema_ref}"] if schema_ref else [
        "# エディタの補完・検査 / editor completion: gapcheck schema profile -o profile.schema.json を実行し、",
        "#   先頭に次の1行を置く / then put this line first: # yaml-language-server: $schema=profile.schema.json",
    ])
    L: list[str] = [
        *schema_lines,
        f"# gapcheck プロファイル / profile: {name}（{pref}）",
        f"# 作成 / written by: {command}" if command else "# 作成 / written by: gapcheck init",
        f"# カタログ / catalogs: {editions}",
        "#",
        "# 書き方 / how to fill in (docs/PROFILES.md):",
        f"#   status: {status_line}",
        f"#     日本語でも書けます / Japanese works too: {aliases} …",
        "#   分からない要件は unknown のまま。未評価として報告され、対応済みとはみなされません。",
        "#     Leave unknown what your sources do not say: it is reported as unassessed, never as passed.",
        "#   予定は事実ではありません: 「令和8年度運用開始」は status: planned と planned: 令和8年度。",
        "#     Plans are not facts: 'starts in FY2026' is status: planned, planned: 令和8年度.",
        "#   日付は ISO でも和暦でも / dates in ISO or 和暦: 2026-03-31, 令和8年3月31日, 令和7年度末, R8.3",
        "#   根拠をコメントに / note where each statement comes from: # 計画 p.12 5.1(1)",
        "#   確認 / check: gapcheck validate <このファイル / this file>",
        "#",
        "# 各要件に書ける項目 / the fields of each requirement (all optional except status):",
        "#   BS-JUKI:",
        _kv("#     status: planned", "状態 / status"),
        _kv("#     planned: 令和8年度", "予定時期（計画、未来でも可）/ when the plan says (may be in the future)"),
        _kv("#     done_on: 2025-03-31", "完了日（事実、as_of 以前）/ when it was done (a fact, not after as_of)"),
        _kv("#     basis: record", "根拠の種類 record / survey / plan（既定: 団体の basis）/ what it rests on"),
        _kv("#     as_of: 2026-06-30", "この記述の時点（既定: as_of）/ the date of this statement"),
        _kv("#     in_plan: true", "団体の計画に記載 / the plan covers it"),
        _kv("#     designated: true", "延長期限の対象 / designated for the extended deadline"),
        _kv("#     designated_until: 令和9年1月", "移行完了予定時期（特定移行支援）/ its own completion date"),
        _kv("#     value: ed5", "カタログの expect と照合 / compared with the catalog's expect"),
        _kv("#     department: 住民課", "担当部門 / department in charge"),
        _kv("#     cost_estimate: 12000000", "概算費用（円）/ cost estimate (yen)"),
        _kv('#     source: "計画 5.1(1)"', "根拠 / where this comes from"),
        _kv("#     note: 備考", "備考 / note"),
        _kv("#   BS-KOSEKI: unknown", "状態だけなら1行でも / just the status, on one line"),
        "",
        _kv("profile_version: 2", "形式の版 / format version"),
        _kv(f"id: {_q(pid)}", "プロファイルID（英小文字・数字・-・_）/ profile id"),
        "municipality:",
        _kv(f"  name: {_q(name)}", "団体名 / name"),
    ]
    L.append(_kv(f"  name_en: {_q(name_en)}", "英語名（任意）/ English name (optional)") if name_en else
             _kv("  # name_en: Example", "英語名（任意）/ English name (optional)"))
    L += [
        _kv(f"  code: \"{code}\"", "全国地方公共団体コード（検査数字付き6桁）/ local government code"),
        _kv(f"  prefecture: {_q(pref)}", f"コードの上2桁 {code[:2]} から / from the code's first two digits"),
    ]
    from .migrate import ATTRIBUTE_COMMENTS, type_from_name

    kind = type_from_name(name, code)
    for key, what in ATTRIBUTE_COMMENTS.items():
        L.append(_kv(f"  {key}: {kind if key == 'type' and kind else 'null'}", what))
    L += [
        _kv(f"as_of: {as_of.isoformat()}", "現況の時点（更新したら改める）/ the date the statuses describe"),
        _kv("basis: record", "根拠の種類 record（記録）/ survey（調査回答）/ plan（計画）/ what the facts rest on"),
        _kv("source: null", "根拠資料 / where the statuses come from, e.g. 〇〇町DX推進計画 令和7年3月"),
        _kv("# plan:", "団体のDX推進計画（任意）/ the municipality's own DX plan (optional)"),
        "#   title: 〇〇町DX推進計画",
        _kv("#   published: 令和7年3月", "策定・公表 / published"),
        _kv("#   period_start: 令和7年度", "計画期間 / plan period"),
        "#   period_end: 令和11年度末",
        "#   url: https://www.example.lg.jp/dx/plan.html",
        _kv("#   successor:", "次期計画（あれば）/ the next plan, if one exists or is planned"),
        "#     title: 第2期〇〇町DX推進計画",
        _kv("#     planned: 令和12年度", "策定予定 / to be adopted"),
        _kv("#     adopted: false", "策定済みなら true / true once adopted"),
        "areas:",
    ]
    total = 0
    for area, cat in cs.catalogs.items():
        live = cat.current_items(as_of)
        if not live:
            continue
        L += ["", f"  # ---- {area}: {cat.name.ja} / {cat.name.en}（{len(live)} 件 / requirements, "
                  f"edition {cat.edition}）----",
              f"  {area}:",
              _kv("    # defaults: {status: planned, planned: 令和8年度, in_plan: true}",
                  "分野の既定値（任意）/ what every item takes unless it says otherwise"),
              _kv("    # plan_scope: []", "計画が対象とする要件ID（任意）/ requirement IDs your plan covers")]
        if cat.profile_facts:
            L.append(_kv("    # facts:", "分野の事実（任意）/ area facts (optional)"))
            for key, spec in cat.profile_facts.items():
                kind = spec.type + (": " + " | ".join(spec.one_of) if spec.one_of else "")
                L.append(_kv(f"    #   {key}:", f"{kind} - {spec.description.ja} / {spec.description.en}"))
        L.append("    items:")
        group = None
        for it in live:
            total += 1
            if it.group and it.group != group:
                L.append(f"      # [{it.group}]")
            group = it.group
            dl = (f"期限 {jdate.date_label(it.deadline, 'ja')}" if it.deadline else "期限なし / no deadline")
            L.append(f"      # {it.name.ja} / {it.name.en} - {dl}; {it.obligation}")
            if it.extended_deadline:
                ed = it.extended_deadline
                L.append(f"      #   designated: true → 延長期限 / extended deadline {jdate.date_label(ed.deadline, 'ja')}"
                         f"（{ed.name.ja}）")
            if it.expect:
                exp = []
                if it.expect.one_of:
                    exp.append("one of " + ", ".join(it.expect.one_of))
                if it.expect.min_date:
                    exp.append(f"{it.expect.min_date.isoformat()} 以降 / or later")
                desc = f" - {it.expect.describe.ja}" if it.expect.describe else ""
                L.append(f"      #   value: {'; '.join(exp)}{desc}")
            L.append(f"      {it.id}:")
            L.append("        status: unknown")
    L.append("")
    L.insert(3 + len(schema_lines), f"# 要件 / requirements: {total}（{as_of.isoformat()} 時点で評価対象のもの / assessed on that date）")
    return "\n".join(L)
