"""The command line's words in both languages: every --help text, the exit-code tables, and
click's own messages (usage errors, headings) in Japanese.

No imports: the CLI reads these at start-up. cli.py writes each option's help in English; its
Japanese is OPTION_HELP_JA[english]. A command's help is COMMAND_HELP[callback name][lang].
click's messages are translated by CLICK_JA (its English message -> Japanese), which cli.py
installs in place of click's gettext. tests/test_i18n.py fails on an option or command without
its Japanese.
"""
from __future__ import annotations

COMMAND_HELP = {
    "main": {
        "en": "gapcheck — gap analysis of a municipality against national DX requirements.",
        "ja": "gapcheck — 自治体DXの国の要件に対するギャップ分析",
    },
    "run": {
        "en": "Evaluate profiles against the national requirements and list the findings.\n\n"
              "One profile file: its findings in the --format asked for (the table fits the terminal: "
              "findings by area, unassessed items folded unless --all). Several profiles or folders "
              "(batch): one JSON document per profile (JSON Lines on stdout, or files under --output-dir) "
              "and a municipality x area summary grouped by prefecture (on stdout with --output-dir, else "
              "on stderr, or in --summary FILE). A bad profile is reported and skipped; the rest still "
              "run. --status, --severity and --area choose the findings shown in every format; --fail-on "
              "always reads all of them.",
        "ja": "プロファイルを国の要件と照合し、指摘事項を一覧表示します。\n\n"
              "プロファイル1件: 指摘事項を --format の形式で出力します（表は端末の幅に合わせ、分野別に表示。"
              "未評価の項目は --all を付けない限り分野ごとに1行にまとめます）。複数のプロファイルやフォルダ"
              "（一括実行）: プロファイルごとに JSON を1件（標準出力に JSON Lines、または --output-dir の"
              "ファイル）と、都道府県別の団体×分野の集計（--output-dir 指定時は標準出力、それ以外は標準エラー、"
              "または --summary のファイル）を出力します。不正なプロファイルは報告して飛ばし、残りは実行します。"
              "--status・--severity・--area は全形式で表示する指摘を絞り込みます。--fail-on は常に全指摘を見ます。",
    },
    "budget": {
        "en": "The gaps to fund in one fiscal year (年度), by area and department, carry-overs first.",
        "ja": "指定した年度の予算要求に向けた対応事項一覧（期限経過分を先頭に、分野・担当部門別）。",
    },
    "verify": {
        "en": "Run every rule's fire / no-fire examples (for rule authors). RULE narrows them to one "
              "rule, or to the rules of an area.",
        "ja": "ルールの発火例・非発火例を実行して検証します（ルール作成者向け）。RULE でルールまたは分野を"
              "絞り込めます。",
    },
    "catalogs": {"en": "List and show the national-requirement catalogs.", "ja": "国の要件カタログの一覧・表示"},
    "catalogs_list": {"en": "Every catalog with its edition and item count.",
                      "ja": "すべてのカタログと、その版・項目数"},
    "catalogs_show": {"en": "The items of one catalog with their deadlines and sources (AREA: its ID or name).",
                      "ja": "1つのカタログの項目と期限・出典（AREA は分野IDまたは名称）"},
    "rules": {"en": "List the rules.", "ja": "ルールの一覧"},
    "rules_list": {"en": "Every rule with its area, status, severity and obligation.",
                   "ja": "すべてのルールと、その分野・状態・重大度・義務の種類"},
    "explain": {
        "en": "Explain a rule, a requirement (its ID or Japanese name, e.g. 住民基本台帳) or a finding "
              "(GC-..., with --profile): what is checked, why, sources and examples.",
        "ja": "ルール・要件（要件IDまたは名称。例: 住民基本台帳）・指摘（GC-...。--profile と併用）の"
              "内容・根拠・出典・例を説明します。",
    },
    "diff": {
        "en": "Compare two runs (OLD.json NEW.json from run --format json): new, resolved and changed findings.",
        "ja": "2回の実行結果（run --format json の OLD.json と NEW.json）を比較し、新たな指摘・解消した指摘・"
              "変化（状態・重大度・期限）を一覧表示します。",
    },
    "validate_cmd": {
        "en": "Check profiles and report every problem at once (file, line, path, found, expected). "
              "Warnings (stale data, requirements left out) do not make a profile invalid.",
        "ja": "プロファイルを検査し、問題をすべて一度に報告します（ファイル・行・項目・記述・正しい形）。"
              "警告（古いデータ・記載のない要件）があってもプロファイルは妥当です。",
    },
    "init_cmd": {
        "en": "Write a new profile listing every current requirement as unknown, ready to fill in.",
        "ja": "現行の全要件を status: unknown で並べた新しいプロファイルを作成します。",
    },
    "migrate_cmd": {
        "en": "Rewrite a version 1 profile as version 2, with every default made explicit, comments kept.",
        "ja": "バージョン1のプロファイルを、既定値をすべて明示したバージョン2に書き換えます（コメントは保持）。",
    },
    "workbook_cmd": {
        "en": "Write a survey workbook (調査票, .xlsx) to fill in: from a profile, empty (--new), or one per "
              "code (--codes). Read it back with gapcheck import.",
        "ja": "調査票（Excel）を作成します: プロファイルから、空の調査票（--new）、団体コード一覧から団体ごとに"
              "（--codes）。記入後は gapcheck import で読み込みます。",
    },
    "import_cmd": {
        "en": "Read filled survey workbooks (or one area sheet as CSV) back into profiles; every problem is "
              "reported at once with its sheet and cell.",
        "ja": "記入済みの調査票（または分野シートの CSV）をプロファイルに読み込みます。問題はすべて、シートとセルを"
              "示して一度に報告します。",
    },
    "import_survey_cmd": {
        "en": "Import a national survey workbook (designated: デジタル庁's 特定移行支援システム list; online: "
              "総務省's オンライン利用状況) into profiles, one per municipality (basis survey). Existing profiles are "
              "never changed: a new copy is written.",
        "ja": "国の調査結果（designated: デジタル庁 特定移行支援システムの該当見込み、online: 総務省 オンライン利用状況）を"
              "団体ごとのプロファイルに取り込みます（根拠: 調査回答）。既存のプロファイルは変更せず、取り込んだ写しを書きます。",
    },
    "schema_cmd": {
        "en": "Print the JSON Schema of a profile, a waiver file or the findings (for editors).",
        "ja": "プロファイル・免除（waiver）ファイル・指摘事項（JSON）の JSON Schema を出力します"
              "（エディタの補完・検査用）。",
    },
}

OPTION_HELP_JA = {
    "Batch: the municipalities expected (a code list, as for workbook --codes); the summary lists those that sent nothing back.":
        "一括実行: 回答を求めた団体の一覧（workbook --codes と同じ団体コードの CSV）。集計に未提出の団体を示します。",
    "An empty workbook for --code (and --name).": "--code（と --name）の団体の空の調査票を作ります。",
    "Name of the municipality (default: from the shipped list by --code).":
        "団体名（既定: --code から同梱の団体一覧で補います）。",
    "全国地方公共団体コード (5 or 6 digits).": "全国地方公共団体コード（5桁または検査数字付きの6桁）。",
    "Profile id written on the 団体 sheet (default m<code>).": "団体シートに書くプロファイルID（既定: m＋コード）。",
    "A CSV of codes (column 団体コード or code): one workbook per municipality into --output-dir.":
        "団体コードの CSV（列名 団体コード または code）: 団体ごとの調査票を --output-dir に書きます。",
    "With --codes: pre-fill from the profile of the same code in this folder.":
        "--codes と併用: このフォルダにある同じコードのプロファイルの内容を記入済みにします。",
    "The requirements current on this day (default: today).": "この日に現行の要件で作ります（既定: 今日）。",
    "The workbook (.xlsx).": "調査票のファイル（.xlsx）。",
    "With --codes: the folder.": "--codes と併用: 書き出すフォルダ。",
    "The profile (YAML) of one file (default: stdout).": "1ファイルの場合の出力プロファイル（YAML。既定: 標準出力）。",
    "Write each profile as <id>.yaml into this folder.": "各プロファイルを <id>.yaml としてこのフォルダに書きます。",
    "2 (docs/PROFILES.md), or 1 for an older gapcheck that reads only version 1 (version 2 facts dropped).":
        "2（docs/PROFILES.md）、またはバージョン1しか読めない古い gapcheck 向けに 1（バージョン2の事実は省きます）。",
    "CSV: the municipality's code.": "CSV の場合: 団体コード。",
    "CSV: its name (default: from the shipped list).": "CSV の場合: 団体名（既定: 同梱の団体一覧から）。",
    "CSV: the profile id (default m<code>).": "CSV の場合: プロファイルID（既定: m＋コード）。",
    "CSV: the date of the answers.": "CSV の場合: 回答の時点（日付）。",
    "The file's edition, an entry of engine/load/survey_layouts.yaml (e.g. designated 2025-12, online R06); an "
    "unknown one is refused with the editions known.":
        "ファイルの版（engine/load/survey_layouts.yaml の項目。例: designated 2025-12、online R06）。"
        "未知の版は、既知の版を示して拒否します。",
    "Where the profiles are written.": "プロファイルを書き出すフォルダ。",
    "Existing profiles: a municipality with one gets a new copy of it with the facts merged.":
        "既存のプロファイルのフォルダ: プロファイルのある団体は、その写しに取り込んだ事実を反映して書きます。",
    "Show the version and exit.": "バージョンを表示して終了します。",
    "Show this message and exit.": "このヘルプを表示して終了します。",
    "Show tracebacks for internal errors.": "内部エラーのトレースバックを表示します。",
    "Message language (default ja, or $GAPCHECK_LANG).": "表示の言語（既定は ja、または環境変数 GAPCHECK_LANG）。",
    "ja or en (default ja).": "ja（日本語）または en（英語）。既定は ja。",
    "Evaluation date (default: today). ISO or 和暦, e.g. 2026-04-01, 令和8年4月1日.":
        "評価基準日（既定: 今日）。西暦または和暦。例: 2026-04-01、令和8年4月1日。",
    "table, json, csv (Excel, UTF-8 BOM), markdown, html (one self-contained file), xlsx (needs --output).":
        "table（端末の表）、json、csv（Excel 向け UTF-8 BOM 付き）、markdown、html（単一ファイル）、"
        "xlsx（--output が必要）。",
    "Table style of --format table (wide terminals; the narrow layout has none).":
        "--format table の罫線の形式（幅の広い端末の表。狭い端末の表示には適用されません）。",
    "Waiver file (YAML): waived findings get status waived and never count for --fail-on.":
        "免除（waiver）ファイル（YAML）: 免除した指摘は状態「免除」になり、--fail-on の対象になりません。",
    "Also list passed requirements (status ok).": "適合した要件（状態「適合」）も表示します。",
    "Table: list unassessed findings one by one (default: one line per area).":
        "表: 未評価の指摘を1件ずつ表示します（既定は分野ごとに1行にまとめます）。",
    "Show only findings of this status (repeatable). --fail-on still reads all findings.":
        "この状態の指摘だけを表示します（複数指定可）。--fail-on は全指摘を見ます。",
    "Show only findings of this status (repeatable).": "この状態の指摘だけを表示します（複数指定可）。",
    "Show only findings of this severity (repeatable).": "この重大度の指摘だけを表示します（複数指定可）。",
    "Show only findings of this area (ID or name; repeatable).":
        "この分野の指摘だけを表示します（分野IDまたは名称。複数指定可）。",
    "Exit 1 when an open finding of this severity or worse exists.":
        "この重大度以上の未解消の指摘があれば終了コード 1 で終了します。",
    "A deadline within this many days is due_soon.": "期限までこの日数以内なら「期限間近」とします。",
    "Evidence older than this many days is stale (shown as such).":
        "根拠のデータがこの日数より古ければ「古い」とします（鮮度の期間）。",
    "Warn when the profile's data is older than this many days.":
        "プロファイルのデータがこの日数より古いとき警告します。",
    "Write the version 2 profile to this file (required; the input is never changed).":
        "バージョン2のプロファイルをこのファイルに書き出します（必須。入力ファイルは変更しません）。",
    "Write to this file (atomically) instead of stdout.": "標準出力ではなくこのファイルに書き出します（途中で止まっても壊れません）。",
    "Batch: worker processes (default: the number of cores).": "一括実行: 並列に動かすプロセス数（既定: CPU コア数）。",
    "Batch: write one document per profile (<id>.json) into this folder.":
        "一括実行: プロファイルごとの結果（<id>.json）をこのフォルダに書き出します。",
    "Batch: write the municipality x area summary to FILE (.html heat map, .csv, .json, .txt).":
        "一括実行: 団体×分野の集計をこのファイルに書き出します（.html はヒートマップ、.csv、.json、.txt）。",
    "Batch: summary format (default: from the --summary extension, else table).":
        "一括実行: 集計の形式（既定: --summary の拡張子から。なければ table）。",
    "Fiscal year to budget for: 2027, FY2027, R9 or 令和9年度.": "予算の年度。例: 2027、FY2027、R9、令和9年度。",
    "Evaluation date (default: today).": "評価基準日（既定: 今日）。",
    "Waiver file (YAML): waived findings are not budgeted.": "免除（waiver）ファイル（YAML）: 免除した指摘は計上しません。",
    "Output format.": "出力の形式。",
    "Exit 1 when the two runs differ (as git diff --exit-code).":
        "2つの結果に差分があれば終了コード 1 で終了します（git diff --exit-code と同様）。",
    "Date to judge stale data against (default: today). ISO or 和暦.":
        "データの古さを判定する基準日（既定: 今日）。西暦または和暦。",
    "List the requirements each warning is about.": "警告ごとに対象の要件を列挙します。",
    "Name of the municipality, e.g. 内灘町.": "団体名。例: 内灘町。",
    "全国地方公共団体コード (6 digits with check digit), e.g. 173657.":
        "全国地方公共団体コード（検査数字付き6桁）。例: 173657。",
    "Prefecture (default: from the code's first two digits).": "都道府県（既定: 団体コードの上2桁から）。",
    "English name, e.g. Uchinada.": "英語名。例: Uchinada。",
    "The profile's as_of (default: today).": "プロファイルの as_of（データ時点。既定: 今日）。",
    "Profile id (default: from --name-en, else m<code>).": "プロファイルID（既定: --name-en から。なければ m<団体コード>）。",
    "Write to this new file (never overwrites) instead of stdout.":
        "標準出力ではなくこの新しいファイルに書き出します（既存のファイルは上書きしません）。",
    "A profile to resolve a finding ID (GC-...) against.": "指摘ID（GC-...）を調べるプロファイル。",
    "Evaluation date of the finding ID's run (default: today).": "指摘IDの評価基準日（既定: 今日）。",
}

# exit codes: code -> (en, ja); each command lists the ones it can give
EXIT_CODES = {
    "0": ("completed (findings may exist)", "正常終了（指摘があっても 0）"),
    "1": ("--fail-on threshold reached", "--fail-on の重大度以上の指摘あり"),
    "1d": ("--exit-code: the two runs differ", "--exit-code 指定時、差分あり"),
    "2": ("bad input or usage (the message names the file and the line)", "入力・使い方の誤り（ファイルと行を表示）"),
    "2v": ("a profile is invalid, or bad usage", "不正なプロファイルあり・使い方の誤り"),
    "2r": ("an example failed, none matched RULE, or bad usage", "例の失敗・RULE に該当なし・使い方の誤り"),
    "3": ("internal error (a bug, or the rule engine failed)", "内部エラー（不具合・ルールエンジンの障害）"),
    "4": ("batch: some profiles were invalid and skipped; the others ran (3 when the rule engine failed on one)",
          "一括実行: 一部のプロファイルが無効で飛ばした（エンジン障害があれば 3）"),
    "130": ("interrupted (SIGINT, Ctrl-C); no temporary file left", "中断（一時ファイルは残りません）"),
    "143": ("stopped by SIGTERM; no temporary file left", "SIGTERM で停止（一時ファイルは残りません）"),
}


def exit_help(lang: str, codes: tuple[str, ...]) -> str:
    """The exit-code table of a command's --help (a raw block: click keeps its lines)."""
    ja = lang == "ja"
    out = ["\b", "終了コード:" if ja else "Exit codes:"]
    for c in codes:
        en, jp = EXIT_CODES[c]
        out.append(f"  {c.rstrip('dvr'):>3}  {jp if ja else en}")
    return "\n".join(out)


# click's own messages (click 8.1 .. 8.3), English -> Japanese
CLICK_JA = {
    "Usage:": "使い方:",
    "Options": "オプション",
    "Commands": "コマンド",
    "Positional arguments": "引数",
    "Show the version and exit.": "バージョンを表示して終了します。",
    "Show this message and exit.": "このヘルプを表示して終了します。",
    "%(prog)s, version %(version)s": "%(prog)s バージョン %(version)s",
    "Error: {message}": "エラー: {message}",
    "Try '{command} {option}' for help.": "'{command} {option}' でヘルプを表示します。",
    "Missing argument": "必須の引数がありません:",
    "Missing option": "必須のオプションがありません:",
    "Missing parameter": "必須の値がありません:",
    "Missing {param_type}": "必須の {param_type} がありません:",
    "Missing parameter: {param_name}": "必須の値がありません: {param_name}",
    "Missing command.": "コマンドを指定してください。",
    "No such command {name!r}.": "コマンド {name!r} はありません。",
    "No such option {name!r}.": "オプション {name!r} はありません。",
    "No such option: {name}": "オプション {name} はありません",
    "Option {name!r} does not take a value.": "オプション {name!r} は値を取りません。",
    "Option {name!r} requires an argument.": "オプション {name!r} には値が必要です。",
    "Option {name!r} requires {nargs} arguments.": "オプション {name!r} には値が {nargs} 個必要です。",
    "Argument {name!r} takes {nargs} values.": "引数 {name!r} には値が {nargs} 個必要です。",
    "Got unexpected extra argument ({args})": "余分な引数があります（{args}）",
    "Got unexpected extra arguments ({args})": "余分な引数があります（{args}）",
    "Invalid value for {param_hint}: {message}": "{param_hint} の値が正しくありません: {message}",
    "Invalid value: {message}": "値が正しくありません: {message}",
    "{value!r} is not {choice}.": "{value!r} は指定できません（指定できる値: {choice}）。",
    "{value!r} is not one of {choices}.": "{value!r} は指定できません。指定できる値: {choices}。",
    "Choose from:\n\t{choices}": "次から選んでください:\n\t{choices}",
    "Did you mean {possibility}?": "{possibility} の誤りではありませんか？",
    "(Did you mean one of: {possibilities}?)": "（{possibilities} のいずれかの誤りではありませんか？）",
    "{value!r} is not a valid {number_type}.": "{value!r} は {number_type} ではありません。",
    "{value!r} is not a valid integer.": "{value!r} は整数ではありません。",
    "{value} is not in the range {range}.": "{value} は範囲 {range} の外です。",
    "{value!r} is not a valid UUID.": "{value!r} は UUID ではありません。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} がありません。",
    "{name} {filename!r} is a file.": "{name} {filename!r} はファイルです（フォルダを指定してください）。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} はフォルダです（ファイルを指定してください）。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} を読めません。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} に書き込めません。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} は実行できません。",
    "Could not open file {filename!r}: {message}": "ファイル {filename!r} を開けません: {message}",
    "file": "ファイル", "directory": "フォルダ", "path": "パス",
    "default: {default}": "既定: {default}",
    "env var: {var}": "環境変数: {var}",
    "required": "必須",
    "Aborted!": "中止しました。",
    "unknown error": "不明なエラー",
    "Value must be an iterable.": "値は複数指定してください。",
    "{len_type} values are required, but {len_value} was given.": "値が {len_type} 個必要ですが {len_value} 個です。",
    "{len_type} values are required, but {len_value} were given.": "値が {len_type} 個必要ですが {len_value} 個です。",
}
