"""Labels of the reports in Japanese and English (no imports, so any command can use them cheaply)."""
from __future__ import annotations

FINDING_STATUSES = ("overdue", "due_soon", "gap", "unassessed", "waived", "ok")   # = engine.models
SEVERITIES = ("critical", "high", "medium", "low", "info")                         # = engine.models

LABELS = {
    "ja": {
        "rule": "ルール", "area": "分野", "requirement": "要件", "status": "状態", "severity": "重大度",
        "deadline": "期限", "days": "残日数", "message": "内容", "id": "ID", "fy": "対応年度",
        "profile": "団体", "evaluated": "評価基準日", "data_as_of": "データ時点",
        "catalogs": "カタログ", "rules": "ルールセット", "summary": "集計", "none": "該当する指摘はありません",
        "status_names": {"overdue": "期限超過", "due_soon": "期限間近", "gap": "未対応", "unassessed": "未評価",
                         "waived": "免除", "ok": "適合"},
        "severity_names": {"critical": "重大", "high": "高", "medium": "中", "low": "低", "info": "情報"},
    },
    "en": {
        "rule": "Rule", "area": "Area", "requirement": "Requirement", "status": "Status", "severity": "Severity",
        "deadline": "Deadline", "days": "Days left", "message": "Message", "id": "ID", "fy": "Action FY",
        "profile": "Municipality", "evaluated": "Evaluated as of", "data_as_of": "Data as of",
        "catalogs": "Catalogs", "rules": "Rule set", "summary": "Summary", "none": "No findings",
        "status_names": {s: s for s in FINDING_STATUSES},
        "severity_names": {s: s for s in SEVERITIES},
    },
}
