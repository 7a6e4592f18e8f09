"""Every message the `kpi` command prints, in Japanese: a catalogue keyed by the English text.

The English stays where a message is raised (str(error) is English, for library users and tests);
the CLI renders an error in the user's language by matching its English text against the English
templates here and filling the Japanese template with the same parts (gettext style, keyed by the
English template). A template's {placeholders} match any text; a part that is itself a catalogued
message is translated too, and "LOCATION: message" is translated after the location.

To add a message: put its English template (the f-string with each {expression} given a name) and
the Japanese text with the same {names} in CATALOGUE. tests/test_messages.py fails naming every
message the corpus of bad inputs shows that is not here.
"""

from __future__ import annotations

import locale
import os
import re
import string
from functools import cache

from kpi_lib.core import labels
from kpi_lib.core.errors import BilingualError, DataError, KpiError, Problem
from kpi_lib.core.fiscal_year import short_label

LANG_ENV = "KPI_LANG"

# English template -> Japanese template; both hold the same {placeholders}.
CATALOGUE: dict[str, str] = {}


def _add(pairs: dict[str, str]) -> None:
    CATALOGUE.update(pairs)


# --- files and CSV tables (dataset/loading.py, core/files.py) ---
_add(
    {
        "file is missing": "ファイルがありません",
        "file is missing (a symbolic link to nothing)": "ファイルがありません（リンク先のないシンボリックリンク）",
        "cannot be read (a symbolic link loop)": "読めません（シンボリックリンクがループしています）",
        "cannot be read (a directory, not a file)": "読めません（ファイルではなくフォルダです）",
        "cannot be read ({why})": "読めません（{why}）",
        "cannot be read (a directory, not a regular file)": "読めません（通常のファイルではなくフォルダです）",
        "cannot be read (a named pipe (FIFO), not a regular file)": "読めません（通常のファイルではなく名前付きパイプ（FIFO）です）",
        "cannot be read (a socket, not a regular file)": "読めません（通常のファイルではなくソケットです）",
        "cannot be read (a device, not a regular file)": "読めません（通常のファイルではなくデバイスです）",
        "too large ({size} bytes, more than the {limit} bytes kpi_lib reads; see docs/input.md)": (
            "大きすぎます（{size} バイト。kpi_lib が読むのは {limit} バイトまでです。docs/input.md を参照）"
        ),
        "the file is UTF-16: save it as UTF-8": "ファイルが UTF-16 です: UTF-8 で保存してください",
        "the file is UTF-16: save it as UTF-8 (CSV UTF-8 in Excel)": (
            "ファイルが UTF-16 です: UTF-8 で保存してください（Excel では「CSV UTF-8」）"
        ),
        "not valid UTF-8": "UTF-8 として正しくありません",
        "not valid UTF-8 (it looks like Shift_JIS: save it as UTF-8)": (
            "UTF-8 として正しくありません（Shift_JIS のようです: UTF-8 で保存してください）"
        ),
        "not valid UTF-8 ({reason} at byte {start})": "UTF-8 として正しくありません（{start} バイト目: {reason}）",
        "stray byte-order mark inside the file": "ファイルの途中に BOM（バイトオーダーマーク）があります",
        "file is empty (expected a header row)": "ファイルが空です（見出し行が必要です）",
        "malformed CSV ({e})": "CSV の形式が正しくありません（{e}）",
        "malformed CSV ({e}): a quoted cell is never closed": (
            "CSV の形式が正しくありません（{e}）: 引用符で始まったセルが閉じられていません"
        ),
        "column is missing from the header": "見出し行にこの列がありません",
        "unknown column (expected: {columns})": "不明な列です（使える列: {columns}）",
        "duplicate column names in the header": "見出し行に同じ列名が重複しています",
        "has {record} fields, the header has {header}": "項目が {record} 個あります（見出し行は {header} 個）",
        "value is missing": "値がありません",
        "duplicate row for {key} (first at line {line})": "{key} の行が重複しています（最初は {line} 行目）",
        "{raw} is not one of {choices}": "{raw} は {choices} のいずれでもありません",
        "not a whole number: {raw}": "整数ではありません: {raw}",
        "{what} in {raw}: a terminal or a workbook would act on it or hide it (remove it)": (
            "{raw} に {what} があります: 端末やブックがこれを解釈したり隠したりします（削除してください）"
        ),
        "control character U+{code}": "制御文字 U+{code}",
        "must be a JSON object": "JSON のオブジェクトでなければなりません",
        "has {n} items, front_matter.viewpoints_ja has {m}: one translation per item": (
            "{n} 項目ありますが、front_matter.viewpoints_ja は {m} 項目です: 項目ごとに訳を 1 つ置いてください"
        ),
        "key is missing": "キーがありません",
        'must be {{"first": YEAR, "last": YEAR}}': '{{"first": 年, "last": 年}} の形でなければなりません',
        "not valid JSON ({msg}, column {colno})": "JSON として正しくありません（{msg}、{colno} 文字目）",
        "the period ends ({last}) before it starts ({first})": "期間の終わり（{last}）が始まり（{first}）より前です",
        "key '{key}' is unknown (known: {known}; see data/README.md)": (
            "キー '{key}' は不明です（使えるキー: {known}。data/README.md を参照）"
        ),
        "key '{key}' must be {words}, not {value}": "キー '{key}' は {words} でなければなりません（{value} ではなく）",
        "key '{key}': {problem}": "キー '{key}': {problem}",
        "key '{key}' is unknown and is ignored (did you mean '{near}'? see data/README.md)": (
            "キー '{key}' は不明なので読み飛ばします（'{near}' のことですか？ data/README.md を参照）"
        ),
        "key '{key}' is unknown and is ignored (known: {known}; see data/README.md)": (
            "キー '{key}' は不明なので読み飛ばします（使えるキー: {known}。data/README.md を参照）"
        ),
        "--{option} must be {words}, not {value}": "--{option} は {words} でなければなりません（{value} ではなく）",
        "a web address starting with http:// or https://": "http:// か https:// で始まるアドレス",
        "a date written YYYY-MM-DD, YYYY-MM or YYYY": "YYYY-MM-DD、YYYY-MM か YYYY の形の日付",
        "text (a non-empty string)": "文字列（空でないもの）",
        "a whole number": "整数",
        "a list of strings": "文字列のリスト",
        "a JSON object": "JSON のオブジェクト",
        "the dataset has no English for {missing}: no English report is made; fill them in, or make the "
        "Japanese report (--lang ja)": (
            "このデータセットには英語がありません（{missing}）: 英語のレポートは作成しません。"
            "英語を記入するか、--lang ja で日本語のレポートを作成してください"
        ),
    }
)

# --- numbers, fiscal years (core/numbers.py, core/fiscal_year.py) ---
_add(
    {
        "{raw} holds {c}, which is not a digit (a footnote or note mark?): remove it, or type the number with "
        "digits 0-9": "{raw} に数字ではない {c} があります（注の記号?）: 削除するか、数字 0-9 で入力してください",
        "number out of range: {raw} (the limit is below {limit} in size)": (
            "数値が範囲外です: {raw}（絶対値が {limit} 未満でなければなりません）"
        ),
        "too many decimals in {raw}: at most {n} digits after the point": (
            "{raw} の小数が多すぎます: 小数点以下は {n} 桁までです"
        ),
        "too many digits in {raw}: at most {n} significant digits": "{raw} の桁が多すぎます: 有効数字は {n} 桁までです",
        "number too small: {raw} would be read as 0": "数値が小さすぎます: {raw} は 0 と読まれてしまいます",
        "not a number: {raw}": "数値ではありません: {raw}",
        "not a number: {raw} (expected a number, 未 or —)": "数値ではありません: {raw}（数値、未 または — を入力してください）",
        "not a number: {raw} (expected a number)": "数値ではありません: {raw}（数値を入力してください）",
        "not a number: {raw} (write the number without the unit {unit})": (
            "数値ではありません: {raw}（単位 {unit} を付けずに数値だけを書いてください）"
        ),
        "not a number: text of {n} characters (expected a number, 未 or —)": (
            "数値ではありません: {n} 文字の文字列です（数値、未 または — を入力してください）"
        ),
        "misplaced thousands separator in {raw}": "{raw} の桁区切りのカンマの位置が正しくありません",
        "invalid fiscal year {raw}": "年度 {raw} は正しくありません",
        "invalid fiscal year {raw}: write it as 2018, H30, 平成30年度, R1 or 令和元年度": (
            "年度 {raw} は正しくありません: 2018、H30、平成30年度、R1、令和元年度 のように書いてください"
        ),
        "empty fiscal year: write it as 2018, H30, 平成30年度, R1 or 令和元年度": (
            "年度が空です: 2018、H30、平成30年度、R1、令和元年度 のように書いてください"
        ),
        "invalid fiscal year {raw}: era years start at 1 (元年)": "年度 {raw} は正しくありません: 和暦の年は 1（元年）から始まります",
        "invalid fiscal year {raw}: outside {first}-{last}": "年度 {raw} は正しくありません: {first}-{last} の範囲外です",
        "unknown language {lang}: use ja or en": "不明な言語 {lang} です: ja か en を指定してください",
    }
)

# --- the rules of the data (dataset/loading.py) ---
_add(
    {
        "indicator {i} has no revised_target in indicators.csv": "指標 {i} には indicators.csv に revised_target がありません",
        "position {pos} of project {p} {k} is already used at line {line}": (
            "事業 {p} の {k} の位置 {pos} は {line} 行目ですでに使われています"
        ),
        "indicator {i} belongs to no project (add it to project_indicators.csv)": (
            "指標 {i} はどの事業にも属していません（project_indicators.csv に追加してください）"
        ),
        "must be 0-{n}, not {d}": "0-{n} でなければなりません（{d} ではなく）",
        "year {year} is before the baseline year {baseline} of {i} (indicators.csv line {line})": (
            "年度 {year} は {i} の基準年度 {baseline}（indicators.csv {line} 行目）より前です"
        ),
        "must be empty exactly when name_source is 'missing'": (
            "name_source が 'missing' のときは空に、それ以外のときは空でないようにしてください"
        ),
        "a baseline cannot be 未": "基準値を 未 にはできません",
        "a baseline value needs its year": "基準値にはその年度が必要です",
        "a revised target without an original target": "当初の目標値がないのに改定後の目標値があります",
        "a revised target needs its year": "改定後の目標値にはその年度が必要です",
        "the target year {target} is before the baseline year {baseline}": "目標年度 {target} が基準年度 {baseline} より前です",
        "the revised target's year {year} is before the strategy period {first}-{last} (metadata.json): a target "
        "is revised during the period": (
            "改定後の目標値の年度 {year} が戦略期間 {first}-{last}（metadata.json）より前です: 目標の改定は期間中に行われます"
        ),
        "{i} does not have a national-level target": "{i} は全国水準の目標ではありません",
        "the {what} must be positive: it is the divisor of the {name} scheme's ratio": (
            "{what} は正の数でなければなりません: {name} 方式の比の分母です"
        ),
        "indicator {i} has no {what} for {years} (the {name} scheme measures every actual against one)": (
            "指標 {i} には {years} の {what} がありません（{name} 方式はすべての実績値をこれと比べます）"
        ),
        "file is missing: the {name} scheme measures every actual against an {what} (one row per indicator and year)": (
            "ファイルがありません: {name} 方式はすべての実績値を {what} と比べます（指標と年度ごとに 1 行）"
        ),
        "unknown {what} {value}": "不明な{what} {value} です",
        "pillar": "柱",
        "project": "事業",
        "indicator": "指標",
        "indicator {i} is not listed for project {p} in project_indicators.csv": (
            "指標 {i} は project_indicators.csv で事業 {p} に載っていません"
        ),
        "{d} decimals, but a figure of {i} is written with {printed} (baseline, target or actuals.csv): declare the "
        "precision the figures are measured to": (
            "小数 {d} 桁とされていますが、{i} の数値は {printed} で書かれています（基準値、目標値または actuals.csv）: "
            "数値が測られている精度を指定してください"
        ),
        "year {year} is outside the strategy period {first}-{last} (metadata.json)": (
            "年度 {year} は戦略期間 {first}-{last}（metadata.json）の外です"
        ),
        "a {kind} target needs a target value": "{kind} の目標には目標値が必要です",
        "a {kind} target needs a target value (it may be left empty only where the scheme grades against "
        "milestones.csv)": (
            "{kind} の目標には目標値が必要です（空にできるのは、評価方式が milestones.csv と比べて評価する場合だけです）"
        ),
        "a {kind} target takes no target value (it is measured against {what})": (
            "{kind} の目標には目標値を書きません（{what}と比べます）"
        ),
        "the national value": "全国の値",
        "the baseline": "基準値",
        "zero target: the rate (a ratio to the target) would divide by zero": (
            "目標値が 0 です: 率（目標値に対する比）が 0 での割り算になります"
        ),
        "negative target: the rate (a ratio to the target) is undefined": "目標値が負です: 比による率が定まりません",
        "a {kind} target needs a baseline value": "{kind} の目標には基準値が必要です",
        "the baseline must be positive: it is the divisor of the rate": (
            "基準値は正の数でなければなりません: 率の分母です"
        ),
        "a cumulative target needs its period (period_start and period_end)": (
            "累計の目標にはその期間（period_start と period_end）が必要です"
        ),
        "only a cumulative target has a period": "期間があるのは累計の目標だけです",
        "only a cumulative target can have cumulative_to_date actuals": (
            "cumulative_to_date の実績値を持てるのは累計の目標だけです"
        ),
        "only printed running totals (a cumulative target with cumulative_to_date actuals) have a first year they "
        "count": "数え始めの年度があるのは、公表された累計値（cumulative_to_date の実績値を持つ累計の目標）だけです",
        "the period ends before it starts": "期間の終わりが始まりより前です",
        "{counted} is not before period_start {start}: leave it empty where the totals count from the period's "
        "start": "{counted} が period_start {start} より前ではありません: 累計が期間の始まりから数える場合は空にしてください",
        "national-level indicator {i} (indicators.csv line {line}) has no national value for {missing}": (
            "全国水準の指標 {i}（indicators.csv {line} 行目）には {missing} の全国の値がありません"
        ),
        "the national value {v} must be positive: it is the divisor of the rate (a ratio to it)": (
            "全国の値 {v} は正の数でなければなりません: 比による率の分母です"
        ),
        "the scheme's override names indicator {i}, which indicators.csv does not have": (
            "評価方式の個別指定が指標 {i} を挙げていますが、indicators.csv にその指標はありません"
        ),
        "the {name} scheme's improvement rate needs a baseline value (for a cumulative target: 0, the total before "
        "the period)": "{name} 方式の改善率には基準値が必要です（累計の目標では 0、つまり期間前の合計）",
        "equals the baseline of {i}: the improvement rate would divide by zero": (
            "{i} の基準値と等しいです: 改善率が 0 での割り算になります"
        ),
        "equals the baseline: the improvement rate would divide by zero": "基準値と等しいです: 改善率が 0 での割り算になります",
        "a {kind} target is the baseline itself: the {name} scheme's improvement rate toward it is undefined": (
            "{kind} の目標は基準値そのものです: {name} 方式の改善率が定まりません"
        ),
        "{data_dir} has no actual value yet: nothing to evaluate (add actuals with kpi import, or give an evaluation "
        "year of the strategy period)": (
            "{data_dir} にはまだ実績値がありません: 評価するものがありません（kpi import で実績値を加えるか、戦略期間の評価年度を指定してください）"
        ),
        "{data_dir} has no indicators yet: nothing to grade (fill in the workbook that kpi new wrote and read it in "
        "with kpi import)": (
            "{data_dir} にはまだ指標がありません: 評価するものがありません（kpi new が作ったブックに記入し、kpi import で取り込んでください）"
        ),
        "no evaluation for {fy}: the data has actuals for FY{first}-FY{latest}": (
            "{fy} の評価はできません: データの実績値は FY{first}-FY{latest} のものです"
        ),
        "no evaluation for {fy}: the data has actuals for FY{first}-FY{latest} and the strategy period runs to "
        "FY{end}": "{fy} の評価はできません: データの実績値は FY{first}-FY{latest} のもので、戦略期間は FY{end} までです",
        "unknown project {project}: the data has projects {projects}": (
            "不明な事業 {project} です: データにある事業は {projects} です"
        ),
        "data directory not found: {root}": "データのフォルダがありません: {root}",
        "{unknown} {is_not} of the scheme {scheme} (its grades: {own}); the published grades ({found}) {need}": (
            "{unknown} {is_not}（評価方式 {scheme}、その評語: {own}）。公表された評語（{found}）{need}"
        ),
        "is not a grade": "は評語ではありません",
        "are not grades": "は評語ではありません",
        "need the shipped scheme {names} (metadata.json's scheme)": (
            "には同梱の評価方式 {names} が必要です（metadata.json の scheme）"
        ),
        "are not all defined by any shipped scheme: name a scheme file that defines them (docs/grading.md)": (
            "をすべて定める同梱の評価方式はありません: それらを定める評価方式のファイルを指定してください（docs/grading.md）"
        ),
        "{unknown}: not a data table": "{unknown}: データの表ではありません",
        "{file} is not a data table": "{file} はデータの表ではありません",
    }
)

# --- grading schemes (dataset/scheme.py) ---
_add(
    {
        "grading scheme file not found: {path}": "評価方式のファイルがありません: {path}",
        "unknown grading scheme {name} (known: {known}; or name a .toml file)": (
            "不明な評価方式 {name} です（使える方式: {known}。または .toml ファイルを指定してください）"
        ),
        "{name}: not valid TOML ({e})": "{name}: TOML として正しくありません（{e}）",
    }
)

# --- analyst API, changes (api.py, analysis/changes.py) ---
_add(
    {
        "the first evaluation year ({first}) must come before the second ({second})": (
            "最初の評価年度（{first}）は 2 つ目（{second}）より前でなければなりません"
        ),
        "data_dir must be a data directory's path (str or pathlib.Path), not {x}": (
            "data_dir にはデータのフォルダのパス（str または pathlib.Path）を指定してください（{x} ではなく）"
        ),
        "projects must be a list of project numbers such as [1, 2], not {x}": (
            "projects には [1, 2] のような事業番号のリストを指定してください（{x} ではなく）"
        ),
        "indicator_id must be an indicator's id (str) such as 'total_fertility_rate', not {x}": (
            "indicator_id には 'total_fertility_rate' のような指標の ID（str）を指定してください（{x} ではなく）"
        ),
        "give either data_dir or dataset, not both": "data_dir と dataset のどちらか一方だけを指定してください",
        "dataset must be a Dataset from kpi_lib.open_dataset(), not {x} (a data directory goes in data_dir)": (
            "dataset には kpi_lib.open_dataset() の Dataset を指定してください（{x} ではなく。データのフォルダは data_dir に）"
        ),
        "indicator_id must be an indicator's id or name (str) such as 'total_fertility_rate', not {x}": (
            "indicator_id には 'total_fertility_rate' のような指標の ID か名称（str）を指定してください（{x} ではなく）"
        ),
        "indicator {name} names several indicators: {ids}; give the id": (
            "指標 {name} に当たる指標が複数あります（{ids}）: ID を指定してください"
        ),
        "indicator {i} is not in project {project}; the projects it is in: {listed}": (
            "指標 {i} は事業 {project} にありません。この指標がある事業: {listed}"
        ),
        "indicator {i} is in no project's table (project_indicators.csv)": (
            "指標 {i} はどの事業の表にもありません（project_indicators.csv）"
        ),
        "unknown indicator {name}: no indicator's id or name is close (kpi_lib.open_dataset().indicators lists them)": (
            "不明な指標 {name} です: ID や名称の近い指標もありません（kpi_lib.open_dataset().indicators に一覧があります）"
        ),
        "unknown indicator {name}: did you mean {said}?": "不明な指標 {name} です: {said} のことですか？",
        "path must be the workbook's path (str or pathlib.Path), not {x}": (
            "path にはワークブックのパス（str または pathlib.Path）を指定してください（{x} ではなく）"
        ),
        "chart must be an Altair chart such as kpi_lib.trend_chart(...), not {x}": (
            "chart には kpi_lib.trend_chart(...) のような Altair のグラフを指定してください（{x} ではなく）"
        ),
        "path must be the file's path (str or pathlib.Path), not {x}": (
            "path にはファイルのパス（str または pathlib.Path）を指定してください（{x} ではなく）"
        ),
        "frame must be a DataFrame such as kpi_lib.grades(), not {x}": (
            "frame には kpi_lib.grades() のような DataFrame を指定してください（{x} ではなく）"
        ),
        "cannot save a chart as {name}: the name must end in {suffixes}": (
            "グラフを {name} として保存できません: 名前の末尾は {suffixes} のいずれかにしてください"
        ),
        "unknown indicator {i}: the data has indicators such as {known}": (
            "不明な指標 {i} です: データにある指標は {known} などです"
        ),
    }
)

# --- reports (cli.py, publishing/) ---
_add(
    {
        "--jobs must be at least 1": "--jobs は 1 以上でなければなりません",
        "--timeout must be a number of seconds above 0": "--timeout には 0 より大きい秒数を指定してください",
        "--template {name}: not a readable notebook: {e}": "--template {name}: 読めるノートブックではありません: {e}",
        "--template {name}: not a readable notebook ({e})": "--template {name}: 読めるノートブックではありません（{e}）",
        "{name} {parameters} failed in cell {n}: {ename}: {evalue}": (
            "{name} {parameters} がセル {n} で失敗しました: {ename}: {evalue}"
        ),
        "{name} {parameters}: a cell ran longer than {timeout} seconds and was stopped (kpi report --timeout "
        "SECONDS)": "{name} {parameters}: セルの実行が {timeout} 秒を超えたので止めました（kpi report --timeout 秒数）",
        "{name} {parameters}: the kernel died while running ({e})": "{name} {parameters}: 実行中にカーネルが停止しました（{e}）",
        "{name} {parameters}: the kernel did not start ({e})": "{name} {parameters}: カーネルが起動しませんでした（{e}）",
        "cannot write reports into {out_dir}: {why}": "{out_dir} にレポートを書き込めません: {why}",
        "the combined PDF's outline has {pages} entries for {count} reports": (
            "まとめた PDF のしおりが {pages} 項目あります（レポートは {count} 件）"
        ),
        "cannot start Chromium for --pdf: {why}": "--pdf のための Chromium を起動できません: {why}",
        "{name}: a chart failed to draw; no PDF written": "{name}: グラフを描けませんでした。PDF は書き込んでいません",
    }
)

# --- workbooks (workbook/) ---
_add(
    {
        "{ref}: control character in {value}: a workbook cannot hold it": "{ref}: {value} に制御文字があります: ブックには入れられません",
        "{what}: open and save the workbook in Excel or LibreOffice, or type the value": (
            "{what}: ブックを Excel か LibreOffice で開いて保存するか、値を入力してください"
        ),
        "a formula with no computed value ({formula})": "計算された値のない数式（{formula}）",
        "a formula whose result is {v} ({formula})": "結果が {v} の数式（{formula}）",
        "a percentage ({shown}) in a cell of an indicator {what}: type the number, without %": (
            "指標 {what} のセルにパーセント（{shown}）があります: % を付けずに数値を入力してください"
        ),
        "{name}: the record of the data it was exported from is missing from the hidden sheet {sheet}; export to a "
        "new file (kpi export --xlsx NEW.xlsx) and type the edits into it": (
            "{name}: 書き出し元のデータの記録が非表示シート {sheet} にありません。新しいファイルに書き出し"
            "（kpi export --xlsx NEW.xlsx）、そこに修正を入力してください"
        ),
        "{name}: the data changed since this workbook was exported ({changed} in {data_dir}); importing it would undo "
        "those changes, so nothing was imported: export to a new file (kpi export --xlsx NEW.xlsx) and type the edits "
        "into it (an export never replaces a workbook holding values that were not imported)": (
            "{name}: このブックを書き出した後にデータが変わりました（{data_dir} の {changed}）。取り込むとその変更を"
            "取り消してしまうため、何も取り込んでいません: 新しいファイルに書き出し（kpi export --xlsx NEW.xlsx）、"
            "そこに修正を入力してください（取り込まれていない値のあるブックを書き出しが置き換えることはありません）"
        ),
        "the workbook name must end in .xlsx: {path}": "ブックの名前は .xlsx で終わらなければなりません: {path}",
        "cannot write {path}: folder {parent} does not exist": "{path} を書き込めません: フォルダ {parent} がありません",
        "{what} would have {rows} rows and {columns} columns in sheet {title}, more than kpi import reads ({max_rows} "
        "rows, {max_columns} columns): nothing was written": (
            "{what} はシート {title} が {rows} 行 {columns} 列になり、kpi import が読める量（{max_rows} 行、"
            "{max_columns} 列）を超えます: 何も書き込んでいません"
        ),
        "{what} would have up to {cells} cells, more than kpi import reads ({max_cells}): nothing was written": (
            "{what} は最大 {cells} セルになり、kpi import が読める量（{max_cells}）を超えます: 何も書き込んでいません"
        ),
        "cannot write {target}: the data folder or the file is read-only; nothing was changed": (
            "{target} を書き込めません: データのフォルダかファイルが読み取り専用です。何も変えていません"
        ),
        "{path} exists and is not a workbook written by kpi export: {keep}": (
            "{path} はすでにあり、kpi export が書き出したブックではありません: {keep}"
        ),
        "{path} is the template kpi new wrote: {keep}": "{path} は kpi new が作ったひな形です: {keep}",
        "{path} was edited since it was exported and its cells no longer read as an export ({problem}), so kpi cannot "
        "tell whether it holds values never imported: {keep}": (
            "{path} は書き出し後に編集され、セルが書き出したものとして読めなくなっています（{problem}）。"
            "取り込まれていない値があるかどうか kpi には分かりません: {keep}"
        ),
        "{path} holds values typed since it was exported that are not in the data ({cell}: {new}{more}): {keep}; or "
        "import it first (kpi import {path2}), and if the import refuses it because the data changed since, type "
        "them again into the new export": (
            "{path} には書き出し後に入力された、データにない値があります（{cell}: {new}{more}）: {keep}。"
            "または先に取り込み（kpi import {path2}）、書き出し後にデータが変わったために取り込みが拒まれたら、"
            "新しく書き出したブックにもう一度入力してください"
        ),
        "workbook not found: {path}": "ブックがありません: {path}",
        "{path}: cannot be opened ({why})": "{path}: 開けません（{why}）",
        "{path}: not a regular file ({kind}); give the path of an .xlsx workbook": (
            "{path}: 通常のファイルではありません（{kind}）。.xlsx のブックのパスを指定してください"
        ),
        "{name}: {what} {got}{unit}, more than an import reads ({limit}{unit2}): not a workbook written by "
        "'kpi export'": "{name}: {what} {got}{unit} は取り込みで読める量（{limit}{unit2}）を超えます: 'kpi export' が書き出したブックではありません",
        "{name}: not an Excel workbook (.xlsx) written by 'kpi export' ({reason})": (
            "{name}: 'kpi export' が書き出した Excel ブック（.xlsx）ではありません（{reason}）"
        ),
        "unreadable": "読めません",
        "unknown language {lang} (the hidden sheet {sheet} was edited)": "不明な言語 {lang} です（非表示シート {sheet} が編集されています）",
        "the language cell says {lang} but the sheets are those of a {has} workbook (the hidden sheet {sheet} was "
        "edited: set it back to {has2}, or export again)": (
            "言語のセルは {lang} ですが、シートは {has} のブックのものです（非表示シート {sheet} が編集されています: "
            "{has2} に戻すか、もう一度書き出してください）"
        ),
        "the record of the year columns: {e}": "年度の列の記録: {e}",
        "unknown sheet: expected {missing} (was it renamed? sheets must keep their names)": (
            "不明なシートです: {missing} があるはずです（名前を変えましたか? シート名は変えないでください）"
        ),
        "sheet {missing} is missing (deleted?)": "シート {missing} がありません（削除しましたか?）",
        "the key column is missing: the hidden column A must hold {header} above each table and the indicator ids "
        "(was it deleted or moved?)": (
            "キーの列がありません: 非表示の A 列には各表の上に {header} と指標の ID がなければなりません（削除または移動しましたか?）"
        ),
        "unknown indicator key {key} for this sheet (the hidden column A holds the keys: do not edit it)": (
            "このシートにない指標のキー {key} です（非表示の A 列はキーです: 編集しないでください）"
        ),
        "indicator {key} appears twice (first at row {row})": "指標 {key} が 2 回あります（最初は {row} 行目）",
        "{what}: the workbook has {new}, the data has {old}; only 実績値 cells are imported (change it in {source}, "
        "or export again if the data changed after the export)": (
            "{what}: ブックでは {new}、データでは {old} です。取り込むのは実績値のセルだけです（{source} で変えるか、"
            "書き出し後にデータが変わったのならもう一度書き出してください）"
        ),
        "no row for indicator {key} ({name}): rows must not be deleted": "指標 {key}（{name}）の行がありません: 行を削除しないでください",
        "expected the heading {want}, found {got} (columns must not be inserted, deleted or moved)": (
            "見出し {want} があるはずですが {got} です（列を挿入・削除・移動しないでください）"
        ),
        "no {grade} heading after the year columns": "年度の列の後に {grade} の見出しがありません",
        "year {y} appears twice in the heading": "見出しに年度 {y} が 2 回あります",
        "{years} year columns, but the workbook was exported with {exported} ({which}): columns must not be inserted "
        "or deleted": "年度の列が {years} 列ありますが、書き出したときは {exported} 列（{which}）でした: 列を挿入・削除しないでください",
        "the heading says {y}, but this column was exported as {want} (year headings must not be edited or moved)": (
            "見出しは {y} ですが、この列は {want} として書き出されました（年度の見出しを編集・移動しないでください）"
        ),
        "{v} is on sheet {title}, which kpi import does not read (only the project sheets): move it to a file of your "
        "own or delete the sheet, then import": (
            "{v} はシート {title} にありますが、kpi import はこのシートを読みません（読むのは事業のシートだけです）: "
            "別のファイルに移すかシートを削除してから取り込んでください"
        ),
        "and {n} more cells not read": "ほかに読まれないセルが {n} 個あります",
        "{v} is not read by kpi import: {why}": "{v} は kpi import で読まれません: {why}",
        "conflicts with {other}: {ind} {year} is {first} here and {second} there (the indicator is on both sheets: "
        "make them agree)": (
            "{other} と食い違います: {ind} の {year} はここでは {first}、あちらでは {second} です"
            "（この指標は両方のシートにあります: そろえてください）"
        ),
        "empty cell: the data has {old} here; write a number, {not_yet} or {not_measured} (to remove an actual, "
        "delete its row in actuals.csv)": (
            "空のセルです: データでは {old} です。数値、{not_yet} または {not_measured} を入力してください"
            "（実績値を消すには actuals.csv でその行を削除してください）"
        ),
        "empty cell: the data has {old} here ({file}); type it again (to remove it, delete its row in {file2})": (
            "空のセルです: データ（{file}）では {old} です。もう一度入力してください（消すには {file2} でその行を削除してください）"
        ),
        "{what}: a formula with no computed value ({formula}): type the grade": (
            "{what}: 計算結果のない数式です（{formula}）: 評価を入力してください"
        ),
        "{what}: {got} is not a grade of the scheme (its grades: {grades})": (
            "{what}: {got} は評価基準の評価ではありません（評価: {grades}）"
        ),
        "cannot create {shown}: folder {parent} does not exist": "{shown} を作れません: フォルダ {parent} がありません",
        "cannot create {shown}: {why}": "{shown} を作れません: {why}",
        "the strategy period ends (FY{last}) before it starts (FY{first})": "戦略期間の終わり（FY{last}）が始まり（FY{first}）より前です",
        "--projects must be from 1 to {n}": "--projects は 1 から {n} まででなければなりません",
        "--rows must be from 1 to {n}": "--rows は 1 から {n} まででなければなりません",
        "{option} is empty: the reports name the strategy by it": "{option} が空です: レポートはこれで戦略の名前を示します",
        "{shown} already exists and is not an empty folder: kpi new writes only a new dataset": (
            "{shown} はすでにあり、空のフォルダではありません: kpi new は新しいデータセットだけを作ります"
        ),
        "a template of {projects} project(s) × {rows} rows over {years} years would have up to {cells} cells in "
        "{width} columns, more than kpi import reads ({max_cells} cells, {max_columns} columns): give fewer --projects "
        "or --rows, or a shorter period": (
            "{projects} 事業 × {rows} 行、{years} 年のひな形は最大 {cells} セル、{width} 列になり、kpi import が読める量"
            "（{max_cells} セル、{max_columns} 列）を超えます: --projects か --rows を減らすか、期間を短くしてください"
        ),
        "{name}: the hidden sheet {sheet} was edited: run kpi new again": (
            "{name}: 非表示シート {sheet} が編集されています: kpi new をやり直してください"
        ),
        "{name}: no project is filled in (type a project's names and its indicators)": (
            "{name}: 事業が記入されていません（事業の名前と指標を入力してください）"
        ),
        "{name}: {root} already holds {n} indicator(s), so this template was imported already (or belongs to another "
        "folder) and nothing was imported: to add or correct actuals, kpi export --xlsx FILE --data {root2} and kpi "
        "import FILE; to add indicators, kpi add-indicators --xlsx FILE --data {root3}; to start again, kpi new into "
        "a new folder": (
            "{name}: {root} にはすでに {n} 個の指標があるので、このひな形は取り込み済み（または別のフォルダのもの）です。"
            "何も取り込んでいません: 実績値を加える・直すには kpi export --xlsx FILE --data {root2} と kpi import FILE を、"
            "指標を追加するには kpi add-indicators --xlsx FILE --data {root3} を、"
            "やり直すには新しいフォルダに kpi new を実行してください"
        ),
        "{name}: {changed} in {root} are not the empty tables kpi new wrote with this template, so nothing was "
        "imported: run kpi new again into a new folder": (
            "{name}: {root} の {changed} は kpi new がこのひな形と一緒に作った空の表ではないので、何も取り込んでいません: "
            "新しいフォルダに kpi new をやり直してください"
        ),
        "{name}: metadata.json's scheme was changed since kpi new to one that {uses} milestones, so the template's "
        "rows do not fit it and nothing was imported: set the scheme back, or run kpi new again": (
            "{name}: kpi new の後に metadata.json の評価方式が milestones を{uses}方式に変えられたため、ひな形の行が"
            "合わず、何も取り込んでいません: 評価方式を戻すか、kpi new をやり直してください"
        ),
        "text of {n} characters (at most {max})": "{n} 文字の文字列です（{max} 文字まで）",
        "{what}: {value} is not a number (type the number)": "{what}: {value} は数値ではありません（数値を入力してください）",
        "{what}: {got}; write one of {choices}": "{what}: {got}。{choices} のいずれかを書いてください",
        "the project has no indicator: fill in at least one row": "事業に指標がありません: 少なくとも 1 行記入してください",
        "indicator id {key} is used twice (also at {other})": "指標の ID {key} が 2 回使われています（{other} にも）",
        "the indicator's Japanese name is empty (the row has values: name it)": (
            "指標の日本語名が空です（行に値があります: 名前を付けてください）"
        ),
        "{f} is empty (projects.csv needs it)": "{f} が空です（projects.csv に必要です）",
        "the indicator id of this filled slot (the hidden column A) {why}: type an id such as {example}": (
            "記入されたこの行の指標の ID（非表示の A 列）{why}: {example} のような ID を入力してください"
        ),
        "a formula with {result} ({formula}): open and save the workbook in Excel or LibreOffice, or type the value": (
            "{result} の数式（{formula}）です: ブックを Excel か LibreOffice で開いて保存するか、値を入力してください"
        ),
        "{v} where the template has {w}: kpi import reads the template by position, so its rows, columns and "
        "headings must stay as kpi new wrote them (undo the inserted, deleted or moved rows or columns; for more "
        "indicators run kpi new with a larger --rows)": (
            "ひな形では {w} のところに {v} があります: kpi import はひな形を位置で読むので、行・列・見出しは kpi new "
            "が書いたままにしてください（挿入・削除・移動した行や列を元に戻してください。指標を増やすには --rows "
            "を大きくして kpi new を実行してください）"
        ),
    }
)

# --- kpi add-indicators and the import of its workbook (workbook/new_dataset.py) ---
_add(
    {
        "write a workbook to add indicators (and projects) to a dataset: fill in its empty rows and 'kpi import' it": (
            "データセットに指標（と事業）を追加するブックを書き出します: 空いた行に記入して 'kpi import' してください"
        ),
        "workbook to write (.xlsx; never overwritten)": "書き出すブック（.xlsx。既存のファイルは上書きしません）",
        "empty indicator rows per table of a project (default: 8)": "事業の表ごとの空の指標の行数（既定: 8）",
        "empty sheets for new projects after the last one (default: 1)": (
            "最後の事業の後に加える、新しい事業のための空のシートの数（既定: 1）"
        ),
        "wrote {path}: fill in its empty rows, then run kpi import {path2} --data {root}": (
            "{path} を書き出しました: 空いた行に記入してから kpi import {path2} --data {root} を実行してください"
        ),
        "{shown} already exists: it was not overwritten (give another name, or move the file away)": (
            "{shown} はすでにあります: 上書きしていません（別の名前にするか、ファイルを移してください）"
        ),
        "{shown}: a workbook's name ends in .xlsx": "{shown}: ブックの名前は .xlsx で終わらなければなりません",
        "cannot write {shown}: {why}": "{shown} を書き込めません: {why}",
        "--new-projects must be from 0 to {n} (a workbook holds projects up to {max}; the dataset has {last})": (
            "--new-projects は 0 から {n} まででなければなりません（ブックに入る事業は {max} まで。"
            "データセットには {last} あります）"
        ),
        "{name}: {changed} in {root} changed since this workbook was written (was it imported already?), so nothing "
        "was imported: for more indicators, run kpi add-indicators again": (
            "{name}: このブックを書き出した後に {root} の {changed} が変わりました（取り込み済みではありませんか?）。"
            "何も取り込んでいません: 指標を追加するには kpi add-indicators をやり直してください"
        ),
        "{name}: the hidden sheet {sheet} was edited: run kpi add-indicators again": (
            "{name}: 非表示シート {sheet} が編集されています: kpi add-indicators をやり直してください"
        ),
        "{name}: metadata.json's scheme was changed since this workbook was written, so its rows do not fit it and "
        "nothing was imported: run kpi add-indicators again": (
            "{name}: このブックを書き出した後に metadata.json の評価方式が変えられたため、行が合わず、何も取り込んで"
            "いません: kpi add-indicators をやり直してください"
        ),
        "{name}: no indicator is filled in (type each added indicator into an empty row)": (
            "{name}: 指標が記入されていません（追加する指標を空いた行に入力してください）"
        ),
        "sheet {title} is not one this workbook was written with: a new project goes on the empty sheet after the "
        "last project (for more, run kpi add-indicators with a larger --new-projects)": (
            "シート {title} はこのブックを書き出したときのシートではありません: 新しい事業は最後の事業の後の空のシートに"
            "記入してください（もっと必要なら --new-projects を大きくして kpi add-indicators を実行してください）"
        ),
        "{f} of an existing project is kept as projects.csv has it ({old}): put it back (kpi import adds "
        "indicators, it does not rename)": (
            "既存の事業の{f}は projects.csv のまま変えません（{old}）: 元に戻してください（kpi import は指標を"
            "追加するもので、名前は変えません）"
        ),
        "indicator id {key} already exists in indicators.csv: give the added indicator an id of its own in the "
        "hidden column A (the dataset's indicators are kept as they are)": (
            "指標の ID {key} は indicators.csv にすでにあります: 追加する指標には非表示の A 列で固有の ID を付けて"
            "ください（データセットの指標は変えません）"
        ),
        "{file} has no column {column}, so {value} cannot be added without changing every row there: leave the "
        "cell empty, or add the column to {file2} first": (
            "{file} には列 {column} がないので、そこのすべての行を変えずには {value} を加えられません: セルを空欄にするか、"
            "先に {file2} にその列を加えてください"
        ),
        "an English unit after exactly 1 without the English unit above it: type both, or neither": (
            "数が1のときの英語の単位がありますが、その上の英語の単位がありません: 両方を入力するか、どちらも空欄にしてください"
        ),
        "Project name (Japanese)": "プロジェクト名（日本語）",
        "Project name (English)": "プロジェクト名（英語）",
        "Catch line (Japanese)": "キャッチフレーズ（日本語）",
        "Catch line (English)": "キャッチフレーズ（英語）",
    }
)

# --- found in the corpus of tests: messages made in helper functions ---
_add(
    {
        "the hidden sheet {sheet} was renamed to {renamed}: name it {sheet} again": (
            "非表示シート {sheet} の名前が {renamed} に変えられています: {sheet} に戻してください"
        ),
        "sheet {sheet} is missing: not a workbook written by 'kpi export'": (
            "シート {sheet} がありません: 'kpi export' が書き出したブックではありません"
        ),
        "written by an earlier kpi_lib that did not record the data it came from: export again": (
            "書き出し元のデータを記録しない以前の kpi_lib が書き出したブックです: もう一度書き出してください"
        ),
        "unknown workbook format {format} (expected {expected})": "不明なブックの形式 {format} です（{expected} のはずです）",
        "{what} {value} is below the baseline {baseline}, but the indicator's direction is 'higher' (higher is "
        "better): check the direction or the figure": (
            "{what} {value} が基準値 {baseline} を下回っていますが、指標の方向は 'higher'（高いほど良い）です: "
            "方向か数値を確かめてください"
        ),
        "{what} {value} is above the baseline {baseline}, but the indicator's direction is 'lower' (lower is "
        "better): check the direction or the figure": (
            "{what} {value} が基準値 {baseline} を上回っていますが、指標の方向は 'lower'（低いほど良い）です: "
            "方向か数値を確かめてください"
        ),
        "the target": "目標値",
        "the {what} of {i}": "{i} の{what}",
        "interim milestone (目安値)": "目安値",
        "expected value (期待値)": "期待値",
        "control character U+{code} in {value}: a workbook cannot hold it (remove it)": (
            "{value} に制御文字 U+{code} があります: ブックには入れられません（削除してください）"
        ),
        "{v} is not read by kpi import: sheet {title} is not a project sheet of the template (they are named "
        "{names} … {last}): rename it to add a project (and give its slots their own ids in the hidden column A), "
        "or delete it": (
            "{v} は kpi import で読まれません: シート {title} はひな形の事業のシートではありません（事業のシートの名前は "
            "{names} … {last}）: 事業を加えるなら名前を変え（その行に非表示の A 列で固有の ID を付けて）、そうでなければ"
            "シートを削除してください"
        ),
        "{v} is not read by kpi import: the {label} row is computed; type the actual in the 実績値 row above it": (
            "{v} は kpi import で読まれません: {label} の行は計算で出します。実績値はその上の実績値の行に入力してください"
        ),
        "{v} is not read by kpi import: the {label} column is computed": (
            "{v} は kpi import で読まれません: {label} の列は計算で出します"
        ),
        "{v} is not read by kpi import: the first year of a period is read only for a target kind of cumulative": (
            "{v} は kpi import で読まれません: 期間の最初の年度を読むのは、目標の種類が cumulative（累計）のときだけです"
        ),
        "{v} is not read by kpi import: it is not one of the template's input cells (rows inserted? kpi import reads "
        "each slot by position; for more indicators run kpi new with a larger --rows)": (
            "{v} は kpi import で読まれません: ひな形の入力セルではありません（行を挿入しましたか? kpi import は各行を"
            "位置で読みます。指標を増やすには --rows を大きくして kpi new を実行してください）"
        ),
        "the {label} row is computed; type the actual in {cell}": "{label} の行は計算で出します。実績値は {cell} に入力してください",
        "the {label} column is computed from the actuals": "{label} の列は実績値から計算で出します",
        "it is beside the table (only the 実績値 cells are read); delete it, then import": (
            "表の外にあります（読むのは実績値のセルだけです）。削除してから取り込んでください"
        ),
        "only the 実績値 cells are read (a heading, name or figure of the data is changed in the data files)": (
            "読むのは実績値のセルだけです（データの見出し・名前・数値はデータのファイルで変えてください）"
        ),
        "no computed value": "計算結果のない",
        "the result {v}": "結果が {v} の",
        "is empty": "が空です",
        "is {key}, the word that marks a table's headings": "が、表の見出しを示す語 {key} です",
    }
)

# --- the CLI's own lines (cli.py) ---
_add(
    {
        "{n} problem(s) in {folder}": "{folder} に問題が {n} 件あります",
        "ok: {folder} is valid": "ok: {folder} に問題はありません",
        "report notebook {path} differs from the one kpi_lib was built with ({manifest}): its changes go into these "
        "reports; for a variant of your own use --template FILE": (
            "レポートのノートブック {path} は kpi_lib の作成時のもの（{manifest}）と違います: その変更がこれらのレポートに"
            "入ります。独自の版には --template FILE を使ってください"
        ),
        "created {dir}: fill in {workbook}, then run kpi import {workbook2} --data {dir2}": (
            "{dir} を作りました: {workbook} に記入してから kpi import {workbook2} --data {dir2} を実行してください"
        ),
        "executed {path}": "{path} を実行しました",
        "interrupted": "中断しました",
        # argparse's own usage errors, as Python words them
        "the following arguments are required: {args}": "次の引数が必要です: {args}",
        "unrecognized arguments: {args}": "認識できない引数です: {args}",
        "argument {arg}: invalid choice: {value} (choose from {choices})": (
            "引数 {arg}: 選べない値です: {value}（{choices} から選んでください）"
        ),
        "argument {arg}: invalid {type} value: {value}": "引数 {arg}: {type} の値として正しくありません: {value}",
        "argument {arg}: expected one argument": "引数 {arg}: 値が 1 つ必要です",
        "argument {arg}: {message}": "引数 {arg}: {message}",
    }
)

# Messages core/labels.py holds in both languages (a command passes its --lang to them; the catalogue
# gives their Japanese where a message comes in English).
for _key in (
    "history.cannot_keep",
    "history.cannot_write",
    "history.none",
    "history.unknown",
    "history.damaged",
    "history.not_ours",
    "history.invalid",
    "import.shipped",
    # said in both languages (BilingualError): a command prints its .ja or .en, so these are here
    # for untranslated() (tests/conftest.py checks every message a test sees)
    "data.none_found",
    "data.unknown_example",
    "pins.differ",
    "pins.package",
    "pins.not_installed",
    "run.not_a_folder",
    "run.not_replaced",
    "run.other_data",
    "run.stale_pdf",
    "run.empty_project",
    *(f"run.what.{what}" for what in ("symlink", "folder", "special", "file", "below_file")),
):
    CATALOGUE[labels.text(_key, "en")] = labels.text(_key, "ja")

# Words of the lines the CLI prints around a message.
WORDS: dict[str, tuple[str, str]] = {
    "error": ("エラー", "error"),
    "warning": ("警告", "warning"),
    "column": ("列 '{column}'", "column '{column}'"),
    "and_more": (
        "（ほかに問題が {n} 件あります。'kpi validate' を実行してください）",
        " (and {n} more problem(s); run 'kpi validate')",
    ),
    "see_help": ("'{prog} --help' を参照", "see '{prog} --help'"),
}


def word(key: str, lang: str, **values) -> str:
    ja, en = WORDS[key]
    return (ja if lang == "ja" else en).format(**values)


def placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


@cache
def _pattern(template: str) -> re.Pattern:
    """The English template as a regular expression: each {name} matches any text (a repeated one, the same)."""
    parts, seen = [], set()
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
    return re.compile("".join(parts), re.DOTALL)


@cache
def _literal_length(template: str) -> int:
    return sum(len(literal) for literal, *_ in string.Formatter().parse(template))


def _template_of(english: str) -> tuple[str, dict[str, str]] | None:
    """The catalogued template that says `english` (the most specific one), with its parts."""
    if english in CATALOGUE and not placeholders(english):
        return english, {}
    best = None
    for template in CATALOGUE:
        m = _pattern(template).fullmatch(english)
        if m and (best is None or _literal_length(template) > _literal_length(best[0])):
            best = (template, m.groupdict())
    return best


# The workbook rows and fields a cell's message names before its problem ("Published rate FY2016:
# not a number …", "Baseline: …"): their Japanese in every dataset's words (none of these depends
# on a scheme's words).
CELL_LABELS = {
    labels.text(key, "en"): labels.text(key, "ja")
    for key in (
        "col.actual",
        "new.published_rate",
        "new.published_grade",
        "series.national",
        "col.milestone",
        "col.expected_path",
        "col.baseline",
        "col.baseline_year",
        "col.target",
        "col.target_year",
        "col.revised_target",
        "new.unit",
        "new.direction",
        "new.target_kind",
        "new.actual_basis",
        "new.year_basis",
        "new.period_start",
    )
}
_CELL_LABEL = re.compile(r"(?P<label>.+) FY(?P<year>\d{4})")


def _cell_label(head: str) -> str | None:
    """A workbook row and year, or a field, in Japanese: "Published rate FY2016" is 公表値：率 H28."""
    if head in CELL_LABELS:
        return CELL_LABELS[head]
    m = _CELL_LABEL.fullmatch(head)
    if m is None or m.group("label") not in CELL_LABELS:
        return None
    return f"{CELL_LABELS[m.group('label')]} {short_label(int(m.group('year')), 'ja')}"


def _labelled(part: str) -> str | None:
    """A message's part that is, or starts with, a workbook row or field ("Direction: 'up'"), with
    that label in Japanese; None for any other."""
    head, sep, rest = part.partition(": ")
    said = _cell_label(head)
    return None if said is None else said + sep + rest


def _translate(english: str) -> str | None:
    """Japanese for an English message, None when the catalogue does not have it."""
    found = _template_of(english)
    if found is not None:
        template, parts = found
        return CATALOGUE[template].format(**{k: _translate(v) or _labelled(v) or v for k, v in parts.items()})
    # "LOCATION: message" (a file, a sheet!cell, an option, a workbook row and year): the location
    # stays (a row and year in Japanese), the message is translated
    start = 0
    while (i := english.find(": ", start)) != -1:
        rest = _translate(english[i + 2 :])
        if rest is not None:
            head = english[:i]
            tail = head.rsplit(": ", 1)
            said = _cell_label(tail[-1])
            if said is not None:
                head = ": ".join([*tail[:-1], said])
            return head + ": " + rest
        start = i + 2
    return None


def translate(english: str, lang: str) -> str:
    """The message in `lang`: English as given; Japanese from the catalogue, else the English."""
    if lang != "ja":
        return english
    said = _translate(english) or english
    # a Problem inside another message's location (sheet!cell: file: column 'x': …) keeps its
    # English "column 'x'": said in the language too
    return _COLUMN.sub(lambda m: word("column", lang, column=m.group(1)), said)


_COLUMN = re.compile(r"\bcolumn '([^']*)'")


def untranslated(message: str) -> bool:
    """True when the catalogue cannot say `message` in Japanese. A message with kana is Japanese
    already: one from core/labels.py in the command's --lang, or "日本語 / English" in one line."""
    return _translate(message) is None and not _KANA.search(message)


_KANA = re.compile(r"[\u3040-\u30ff]")


def problem_text(problem: Problem, lang: str) -> str:
    """A Problem as one line in `lang`: file, line and column as in str(problem), in its words."""
    if lang != "ja":
        return str(problem)
    where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
    col = f": {word('column', lang, column=problem.column)}" if problem.column else ""
    return f"{where}{col}: {translate(problem.message, lang)}"


def error_lines(error: KpiError, lang: str) -> list[str]:
    """What the CLI prints for an error, one line per problem of a DataError."""
    if isinstance(error, DataError):
        return [problem_text(p, lang) for p in error.problems]
    if isinstance(error, BilingualError):
        return [error.ja if lang == "ja" else error.en]
    return [translate(str(error), lang)]


def locale_lang(environ=None) -> str:
    """ja or en for messages when no --lang is given: KPI_LANG if set; else the locale (LC_ALL,
    LC_MESSAGES, LANG; on Windows, where these are often unset, locale.getlocale()): Japanese
    when it names Japanese, English otherwise."""
    env = os.environ if environ is None else environ
    chosen = env.get(LANG_ENV, "").strip().lower()
    if chosen in ("ja", "en"):
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "ja" if code.lower().startswith(("ja", "japanese")) else "en"


# --- the CLI's help (cli.py build_parser) ---
_add(
    {
        "Strategy-KPI progress analysis (地方創生総合戦略の数値目標・KPI).": "地方創生総合戦略の数値目標・KPI の進捗分析。",
        "show the kpi_lib version and exit": "kpi_lib のバージョンを表示して終わります",
        "data folder, or example:NAME for a shipped example (default: $KPI_DATA, else the current folder or the "
        "nearest one above it holding metadata.json; inside kpi_lib's own checkout, its data/)": (
            "データのフォルダ、または同梱の例を指す example:名前（既定: $KPI_DATA、なければ現在のフォルダか、"
            "その上で metadata.json のある最も近いフォルダ。kpi_lib 自身のチェックアウトの中ではその data/）"
        ),
        "rate and grade of every indicator for an evaluation year": "評価年度のすべての指標の率と評価",
        "evaluation fiscal year: 2018, H30, 平成30年度, R1 …": "評価年度: 2018、H30、平成30年度、R1 …",
        "only project N (repeatable)": "事業 N だけ（繰り返し指定できます）",
        "output format (default: table)": "出力の形式（既定: table）",
        "its English title (metadata.json title_en); without it, a Japanese-only dataset": (
            "英語の名前（metadata.json の title_en）。なければ日本語だけのデータになります"
        ),
        "the source document's title (source.title_ja)": "原資料の題名（source.title_ja）",
        "who published it (source.publisher_ja)": "原資料の発行者（source.publisher_ja）",
        "its address, http:// or https:// (source.url)": "原資料のアドレス。http:// か https://（source.url）",
        "its publication date, YYYY-MM-DD (source.date)": "原資料の公表日。YYYY-MM-DD（source.date）",
        "what the strategy calls its projects: 基本目標, 施策 … (report.level_ja)": (
            "戦略での事業の呼び名: 基本目標、施策 …（report.level_ja）"
        ),
        "its English, as inside a sentence: basic goal … (report.level_en)": (
            "その英語。文中での形で: basic goal …（report.level_en）"
        ),
        "language of the output (default: ja) and of messages (default: $KPI_LANG, else the locale)": (
            "出力の言語（既定: ja）とメッセージの言語（既定: $KPI_LANG、なければロケール）"
        ),
        "language of what it prints (default: $KPI_LANG, else the locale)": (
            "表示の言語（既定: $KPI_LANG、なければロケール）"
        ),
        "indicators whose grade changed between two evaluation years": "2 つの評価年度の間で評価が変わった指標",
        "the earlier evaluation year": "前の評価年度",
        "the later evaluation year": "後の評価年度",
        "published figures that disagree with their own arithmetic (exit status 1 when any do)": (
            "公表された数値のうち、それ自身の計算と合わないもの（あれば終了ステータス 1）"
        ),
        "list only the data's own notes (file, row, column, note); the table format lists them after the findings": (
            "データ自身の注（ファイル、行、列、注）だけを一覧にします。table 形式では結果の後に一覧にします"
        ),
        "check a data directory and report every problem": "データのフォルダを検査し、すべての問題を報告します",
        "run the report notebooks into HTML reports (papermill)": "レポートのノートブックを実行して HTML のレポートを作ります（papermill）",
        "evaluation fiscal year (default: the latest year with actuals)": "評価年度（既定: 実績値のある最新の年度）",
        "only project N (repeatable; skips the overview)": "事業 N だけ（繰り返し指定できます。総括は作りません）",
        "ja or en (repeatable; default: both); the language of messages when one is given (else $KPI_LANG or the "
        "locale)": "ja か en（繰り返し指定できます。既定: 両方）。1 つだけ指定するとメッセージもその言語（それ以外は $KPI_LANG かロケール）",
        "output folder (default: reports)": "出力先のフォルダ（既定: reports）",
        "notebooks run at once (default: 2, or 1 on a machine with one CPU)": (
            "同時に実行するノートブックの数（既定: 2。CPU が 1 つのマシンでは 1）"
        ),
        "no progress bar": "進捗バーを表示しません",
        "a project-report notebook of your own to run instead of kpi_lib's (named on the index page)": (
            "kpi_lib のものの代わりに実行する、独自の事業レポートのノートブック（目次のページに名前が載ります）"
        ),
        "seconds a notebook cell may run before the run stops with an error (default: 600)": (
            "ノートブックの 1 つのセルが実行できる秒数。超えるとエラーで止まります（既定: 600）"
        ),
        "also print each report on A4 and the whole year into one PDF per language (needs kpi_lib[pdf])": (
            "各レポートを A4 で印刷し、その年度全体を言語ごとに 1 つの PDF にもします（kpi_lib[pdf] が必要）"
        ),
        "re-execute the committed notebooks (after a library or data change), with the versions pinned in "
        "constraints.txt": "コミットされたノートブックを（ライブラリやデータの変更の後に）constraints.txt で固定した版で再実行します",
        "write the tables as an Excel workbook, one sheet per project as the source prints them": (
            "表を Excel ブックに書き出します。出典の載せ方どおり、事業ごとに 1 シート"
        ),
        "workbook to write (.xlsx)": "書き出すブック（.xlsx）",
        "evaluation fiscal year (default: the latest with actuals); a later year adds empty 実績値 columns to fill in": (
            "評価年度（既定: 実績値のある最新の年度）。それより後の年度を指定すると、記入用の空の実績値の列を加えます"
        ),
        "read the 実績値 of an exported workbook back into the data tables (all or nothing)": (
            "書き出したブックの実績値をデータの表に取り込みます（すべてか、何もしないか）"
        ),
        "workbook written by 'kpi export' (or the template of 'kpi new')": "'kpi export' が書き出したブック（または 'kpi new' のひな形）",
        "check everything and list every change an import would make, writing nothing": (
            "すべてを検査し、取り込みで起きる変更をすべて一覧にします。何も書き込みません"
        ),
        "allow changing actuals that published rates or grades rest on (refused without it)": (
            "公表された率や評価の根拠である実績値の変更を認めます（指定しなければ拒みます）"
        ),
        "put back the tables as they were before the latest kpi import (or a kept state); undone by restoring again": (
            "表を最新の kpi import の前（または保存した状態）に戻します。もう一度 restore すると元に戻ります"
        ),
        "a state kept (see --list; default: the latest)": "保存した状態（--list を参照。既定: 最新）",
        "list the kept states, oldest first": "保存した状態を古い順に一覧にします",
        "list the changes a restore would make, writing nothing": "復元で起きる変更を一覧にします。何も書き込みません",
        "start a dataset: an empty, valid data folder and a workbook to fill in and 'kpi import'": (
            "データセットを始めます: 空で正しいデータのフォルダと、記入して 'kpi import' するブックを作ります"
        ),
        "the data folder to create (new, or an empty folder)": "作るデータのフォルダ（新しいフォルダか、空のフォルダ）",
        "grading scheme: a name in kpi_lib/dataset/schemes or a .toml file": (
            "評価方式: kpi_lib/dataset/schemes にある名前か、.toml ファイル"
        ),
        "the strategy's title (metadata.json title_ja)": "戦略の名前（metadata.json の title_ja）",
        "its English title (metadata.json title_en)": "その英語の名前（metadata.json の title_en）",
        "first fiscal year of the period": "期間の最初の年度",
        "last fiscal year of the period": "期間の最後の年度",
        "the workbook's language (default: ja) and of messages (default: $KPI_LANG, else the locale)": (
            "ブックの言語（既定: ja）とメッセージの言語（既定: $KPI_LANG、なければロケール）"
        ),
        "Shipped examples, used only when named: --data {names} (e.g. kpi grades --year 2018 --data {example}).": (
            "同梱の例は名前で指定したときだけ使われます: --data {names}（例: kpi grades --year 2018 --data {example}）。"
        ),
        "project sheets in the workbook": "ブックの事業のシートの数",
        "empty indicator rows per table of a project": "事業の表ごとの空の指標の行数",
    }
)
