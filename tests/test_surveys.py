"""National survey workbooks into profiles (gapcheck import-survey), on test workbooks built to
the documented layouts (engine/load/survey_layouts.yaml; the real files cannot be downloaded here)
of two editions of each survey."""
from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
import yaml

from gapcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
BUSINESSES = ["住民基本台帳", "印鑑登録", "戸籍", "戸籍の附票", "選挙人名簿管理", "個人住民税", "法人住民税", "固定資産税",
              "軽自動車税", "就学", "国民年金", "国民健康保険", "後期高齢者医療", "介護保険", "障害者福祉", "生活保護",
              "健康管理", "児童手当", "児童扶養手当", "子ども・子育て支援"]


def designated_book(path: Path, edition: str) -> None:
    """結果一覧: row 1 a merged title, row 2 empty, row 3 the header, data from row 4. The
    2025-07 book writes codes as 5-digit numbers and names with the prefecture in front; the
    2025-12 book 6-digit text, and its 業務 columns in another order."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "結果一覧"
    ws["A1"] = f"特定移行支援システムの該当見込み（{edition}）"
    ws.merge_cells("A1:X1")
    biz = BUSINESSES if edition == "2025-07" else BUSINESSES[::-1]
    for i, h in enumerate(["団体コード", "自治体名", "自治体区分", *biz, "共通機能"], start=1):
        ws.cell(3, i, h)
    col = {h: i + 4 for i, h in enumerate(biz)}
    rows = [("173657", "内灘町", "市区町村", ["住民基本台帳", "戸籍"]),
            ("172065", "加賀市", "市区町村", ["国民健康保険"]),
            ("170003", "石川県", "都道府県", []),
            ("172014", "金沢市", "市区町村", ["生活保護", "子ども・子育て支援"])]
    for r, (code, name, kind, marks) in enumerate(rows, start=4):
        ws.cell(r, 1, int(code[:5]) if edition == "2025-07" else code)
        ws.cell(r, 2, ("石川県" + name) if edition == "2025-07" and kind != "都道府県" else name)
        ws.cell(r, 3, kind)
        for m in marks:
            ws.cell(r, col[m], "●")
        ws.cell(r, len(biz) + 4, "●")            # 共通機能: no requirement of the catalog
    ws.cell(8, 1, "合計")
    wb.save(path)


# procedures by the catalog's Japanese names (the real headings may differ: the layout's
# `procedures` table maps them), and one heading the catalog does not have
PROCEDURES = ["転出届", "罹災証明書の発行申請", "図書館の図書貸出予約等", "粗大ごみ収集の申込", "存在しない手続"]
PROC_IDS = {}


def online_book(path: Path, edition: str) -> None:
    """都道府県 and 市町村 sheets; column B 団体コード, D 団体名; per procedure a block of five
    columns from F: 有, 済/未, and three of figures. R05: names on row 6, data from row 9; R06:
    names on row 5, data from row 8."""
    header_row, first = (6, 9) if edition == "R05" else (5, 8)
    wb = openpyxl.Workbook()
    # per procedure (有, 済/未): 転出届, 罹災証明書, 図書館, 粗大ごみ (the fifth has no requirement)
    sheets = {"都道府県": [("170003", "石川県", ["有", "済", "有", "未", "", "", "有", "済", "有", "済"])],
              "市町村": [("173657", "石川県内灘町", ["有", "済", "有", "未", "無", "", "有", "済", "有", "済"]),
                       ("172065", "石川県加賀市", ["有", "未", "有", "済", "", "", "", "", "", ""])]}
    first_sheet = True
    for name, rows in sheets.items():
        ws = wb.active if first_sheet else wb.create_sheet()
        first_sheet = False
        ws.title = name
        ws["A1"] = f"オンライン利用状況（{edition}）"
        for i, proc in enumerate(PROCEDURES):
            c = 6 + 5 * i
            ws.cell(header_row, c, proc)
            ws.merge_cells(start_row=header_row, start_column=c, end_row=header_row, end_column=c + 4)
            for j, sub in enumerate(["有", "済/未", "件数", "オンライン件数", "率"]):
                ws.cell(header_row + 1, c + j, sub)
        for r, (code, gov, marks) in enumerate(rows, start=first):
            ws.cell(r, 2, code if edition != "R05" else int(code))
            ws.cell(r, 4, gov)
            for i in range(len(PROCEDURES)):
                a, s = marks[2 * i: 2 * i + 2]
                if a:
                    ws.cell(r, 6 + 5 * i, a)
                if s:
                    ws.cell(r, 7 + 5 * i, s)
                ws.cell(r, 10 + 5 * i, 0.5 if edition == "R05" else "50%")
    wb.save(path)


def _run(runner, *args):
    return runner.invoke(main, ["import-survey", *map(str, args)])


@pytest.mark.parametrize("edition", ["2025-07", "2025-12"])
def test_designated(runner, tmp_path, edition):
    book = tmp_path / "tokutei.xlsx"
    designated_book(book, edition)
    before = {p.name: p.read_bytes() for p in (ROOT / "profiles").glob("*.yaml")}
    out = tmp_path / "out"
    r = _run(runner, "designated", book, "--edition", edition, "--output-dir", out, "--profiles", ROOT / "profiles")
    assert r.exit_code == 0, r.output
    assert {p.name: p.read_bytes() for p in (ROOT / "profiles").glob("*.yaml")} == before     # inputs untouched
    names = sorted(p.name for p in out.glob("*.yaml"))
    assert names == ["kaga.yaml", "m172014.yaml", "uchinada.yaml"]     # 石川県 has no ●: no profile
    u = yaml.safe_load((out / "uchinada.yaml").read_text(encoding="utf-8"))
    items = u["areas"]["base_systems"]["items"]
    sha = hashlib.sha256(book.read_bytes()).hexdigest()
    assert items["BS-JUKI"]["designated"] is True and items["BS-KOSEKI"]["designated"] is True
    assert items["BS-JUKI"]["status"] == "planned"           # the profile's own statement stays
    assert items["BS-JUKI"]["basis"] == "plan"                # the weaker of plan and survey
    assert items["BS-KOSEKI"]["basis"] == "survey" and items["BS-KOSEKI"]["as_of"] == (
        "2025-07-31" if edition == "2025-07" else "2025-12-31")
    assert sha in items["BS-KOSEKI"]["source"] and "tokutei.xlsx 結果一覧!" in items["BS-KOSEKI"]["source"]
    assert items["BS-INKAN"] == "unknown"                     # blank stays unknown
    assert u["profile_version"] == 2 and u["basis"] == "plan"
    assert "uchinada BS-JUKI designated" in r.output and "→ true" in r.output
    k = yaml.safe_load((out / "m172014.yaml").read_text(encoding="utf-8"))
    assert k["municipality"]["name"] == "金沢市" and k["basis"] == "survey"
    assert set(k["areas"]["base_systems"]["items"]) == {"BS-SEIHO", "BS-KOSODATE"}
    assert "共通機能" not in r.output or "matches no" not in r.output      # 共通機能 is known, not an error
    # importing again into a fresh folder gives the same files
    out2 = tmp_path / "out2"
    assert _run(runner, "designated", book, "--edition", edition, "--output-dir", out2,
                "--profiles", ROOT / "profiles").exit_code == 0
    assert all((out / n).read_bytes() == (out2 / n).read_bytes() for n in names)


@pytest.mark.parametrize("edition", ["R05", "R06"])
def test_online(runner, tmp_path, edition):
    book = tmp_path / "online.xlsx"
    online_book(book, edition)
    out = tmp_path / "out"
    r = _run(runner, "online", book, "--edition", edition, "--output-dir", out, "--profile-version", "1")
    assert r.exit_code == 0, r.output
    assert "存在しない手続" in r.output           # a heading no requirement has is named, not guessed
    u = yaml.safe_load((out / "m173657.yaml").read_text(encoding="utf-8"))
    items = u["areas"]["online_procedures"]["items"]
    from gapcheck.engine.api import default_engine

    ids = {it.name.ja: it.id for it in default_engine().catalogs.catalogs["online_procedures"].items}
    assert items[ids["転出届"]]["status"] == "done"
    assert items[ids["罹災証明書の発行申請"]]["status"] == "not_started"
    assert items[ids["図書館の図書貸出予約等"]]["status"] == "not_applicable"     # 無
    assert items[ids["粗大ごみ収集の申込"]]["status"] == "done"
    k = yaml.safe_load((out / "m172065.yaml").read_text(encoding="utf-8"))
    kitems = k["areas"]["online_procedures"]["items"]
    assert ids["図書館の図書貸出予約等"] not in kitems     # blank: unknown, nothing imported
    assert (out / "m170003.yaml").exists()                # the 都道府県 sheet too
    # version 1 output is read by today's engine
    r = runner.invoke(main, ["validate", str(out), "--as-of", "2026-12-01"])
    assert r.exit_code == 0, r.output


def test_wrong_edition_and_unknown_edition(runner, tmp_path):
    book = tmp_path / "online.xlsx"
    online_book(book, "R05")
    r = _run(runner, "online", book, "--edition", "R06", "--output-dir", tmp_path / "o")
    # R06 reads names on row 5 and data from row 8: the R05 file gives nothing it can read
    assert r.exit_code == 2 and "Traceback" not in r.output
    r = _run(runner, "online", book, "--edition", "R99", "--output-dir", tmp_path / "o")
    assert r.exit_code == 2 and "R05" in r.output and "survey_layouts.yaml" in r.output
    book2 = tmp_path / "tokutei.xlsx"
    designated_book(book2, "2025-12")
    wb = openpyxl.load_workbook(book2)
    wb["結果一覧"].title = "一覧"
    wb.save(book2)
    r = _run(runner, "designated", book2, "--edition", "2025-12", "--output-dir", tmp_path / "o")
    assert r.exit_code == 2 and "結果一覧" in r.output


def test_never_writes_over_an_input(runner, tmp_path):
    import shutil

    profiles = tmp_path / "profiles"
    shutil.copytree(ROOT / "profiles", profiles)
    before = (profiles / "uchinada.yaml").read_bytes()
    book = tmp_path / "tokutei.xlsx"
    designated_book(book, "2025-12")
    r = _run(runner, "designated", book, "--edition", "2025-12", "--output-dir", profiles, "--profiles", profiles)
    assert r.exit_code == 2 and "uchinada.yaml" in r.output and "入力は変更しません" in r.output
    assert (profiles / "uchinada.yaml").read_bytes() == before
    assert not (profiles / "m172014.yaml").exists()          # nothing written at all


def test_layouts_are_data(tmp_path):
    """Every edition names its sheets, rows and columns; the importer has no code per edition."""
    from gapcheck.engine.load import surveys

    lay = surveys.layouts()
    assert set(lay) == {"designated", "online"}
    for kind, spec in lay.items():
        assert len(spec["editions"]) >= 2
        for ed in spec["editions"].values():
            assert {"as_of", "sheets", "header_row", "first_row", "code", "name"} <= set(ed)
    assert lay["online"]["editions"]["R05"]["first_row"] == 9 and lay["online"]["editions"]["R06"]["first_row"] == 8
    src = (Path(surveys.__file__)).read_text(encoding="utf-8")
    assert "R05" not in src and "2025-12" not in src


def test_online_from_the_zip_as_published(runner, tmp_path):
    """総務省 publishes the 個別資料 as a ZIP whose member names are CP932 bytes without the UTF-8
    flag; the online workbook is found in it by its name."""
    import zipfile

    book = tmp_path / "b.xlsx"
    online_book(book, "R06")
    class CP932Name(zipfile.ZipInfo):            # as Windows writes it: CP932 bytes, no UTF-8 flag
        def _encodeFilenameFlags(self):
            return self.filename.encode("cp437"), self.flag_bits

    zpath = tmp_path / "R06個別資料.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for name, data in (("（６）オンライン利用状況調査（都道府県・市区町村）.xlsx", book.read_bytes()),
                           ("【R06個別資料】（１）自治体DXの推進体制等（市区町村）.xlsx", b"PK")):
            info = CP932Name(name.encode("cp932").decode("cp437"))
            zf.writestr(info, data)
    assert not any(i.flag_bits & 0x800 for i in zipfile.ZipFile(zpath).infolist())
    out = tmp_path / "out"
    r = _run(runner, "online", zpath, "--edition", "R06", "--output-dir", out)
    assert r.exit_code == 0, r.output
    u = yaml.safe_load((out / "m173657.yaml").read_text(encoding="utf-8"))
    src = next(iter(u["areas"]["online_procedures"]["items"].values()))["source"]
    assert "R06個別資料.zip!（６）オンライン利用状況調査（都道府県・市区町村）.xlsx 市町村!G8" in src
    assert hashlib.sha256(zpath.read_bytes()).hexdigest() in src
