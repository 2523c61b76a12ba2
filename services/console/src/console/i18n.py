"""The console's words in Chinese (default) and English, ``t("people")`` in templates, and its
times as the county reads them (Beijing time, the ``beijing`` filter)."""

from __future__ import annotations

import datetime as dt

from flask import session

#: China Standard Time: the county's staff read Beijing times, and the supervision's months are Beijing's.
CST = dt.timezone(dt.timedelta(hours=8), "CST")

WORDS = {
    "title": ("同心 · 智慧统战工作台", "Tongxin staff console"),
    "dashboard": ("工作概览", "Dashboard"),
    "people": ("统战对象", "People"),
    "imports": ("表格导入", "Imports"),
    "rounds": ("三评体系", "Evaluation"),
    "requests": ("诉求办理", "Requests"),
    "suggestions": ("建言献策", "Suggestions"),
    "community": ("服务团与公益", "Corps & charity"),
    "gateway": ("信息共享", "Sharing"),
    "supervision": ("督查考核", "Supervision"),
    "alerts": ("督查预警", "Supervision alerts"),
    "acknowledge": ("签收", "Acknowledge"),
    "print": ("打印版", "Printable page"),
    "download_xlsx": ("下载 Excel 考核表", "Download the .xlsx assessment"),
    "not_measured": ("未计量", "not measured"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "search": ("查询", "Search"),
    "name": ("姓名", "Name"),
    "unit": ("单位", "Unit"),
    "categories": ("基础库", "Base databases"),
    "roles": ("代表人士身份", "Representative roles"),
    "history": ("变更记录", "Change history"),
    "save": ("保存", "Save"),
    "edit": ("编辑", "Edit"),
    "status": ("状态", "Status"),
    "state": ("状态", "State"),
    "actions": ("操作", "Actions"),
    "rank": ("名次", "Rank"),
    "composite": ("综合得分", "Composite"),
    "official": ("官评", "Official"),
    "self": ("自评", "Self"),
    "public": ("民评", "Public"),
    "decisions": ("联席评价决定", "Meeting decisions"),
    "due": ("时限", "Due"),
    "breached": ("已超时", "Breached"),
    "submit": ("提交", "Submit"),
    "dry_run": ("试导入（只检查）", "Dry run (check only)"),
    "run_import": ("正式导入", "Import"),
    "row": ("行号", "Row"),
    "reason": ("原因", "Reason"),
    "progress": ("进度", "Progress"),
    "token_sheet": ("打印评价二维码", "Print rating QR codes"),
    "rate_title": ("民主评议", "Rating"),
    "phone": ("手机号码（仅用于防止重复评价）", "Mobile number (only to prevent repeat ratings)"),
    "thanks": ("感谢您的评价！", "Thank you for your rating!"),
    "ledger": ("披露记录", "Disclosure ledger"),
    "verified": ("哈希链校验", "Hash-chain check"),
    "verify_whole_chain": (
        "整条台账为全部机构共用，由辖区覆盖所有机构的县级人员核验",
        "The ledger is one chain for every agency: staff whose unit covers every agency's region check it",
    ),
    "error": ("出错了", "Something went wrong"),
    "back": ("返回", "Back"),
    "language": ("English", "中文"),
    "no_results": ("没有结果", "No results"),
    "create": ("新建", "Create"),
    "open_round": ("开启", "Open"),
    "close_round": ("结束评分", "Close scoring"),
    "review_round": ("审核", "Review"),
    "publish_round": ("发布", "Publish"),
    "agencies": ("共享机构", "Agencies"),
    "lag": ("积压", "Lag"),
    "policy": ("共享策略", "Policy"),
    "note": ("说明", "Note"),
    "satisfaction": ("满意度", "Satisfaction"),
    "staff": ("账号管理", "Staff accounts"),
    "staff_audit": ("账号操作记录", "Account audit log"),
    "new_account": ("新建账号", "New account"),
    "username": ("用户名", "User name"),
    "first_name": ("姓名（名）", "Given name"),
    "last_name": ("姓名（姓/职务）", "Family name or title"),
    "staff_roles": ("角色", "Roles"),
    "enabled": ("启用", "Enabled"),
    "disable": ("停用账号", "Disable account"),
    "enable": ("重新启用", "Enable account"),
    "reset_password": ("重置密码（临时密码）", "Reset password (temporary)"),
    "temporary_password": ("临时密码", "Temporary password"),
    "sign_in_sso": ("通过统一身份认证登录", "Sign in with the department's sign-on"),
    "demo_accounts": ("演示账号（仅开发模式）", "Demo accounts (development mode only)"),
    "password": ("密码", "Password"),
    "when": ("时间", "When"),
    "who": ("操作人", "Who"),
    "what": ("操作", "Action"),
    "outcome": ("结果", "Outcome"),
    "detail": ("详情", "Detail"),
    "next_page": ("下一页", "Next page"),
    "prev_page": ("上一页", "Previous page"),
}


def lang() -> str:
    return session.get("lang", "zh")


def t(key: str) -> str:
    zh, en = WORDS.get(key, (key, key))
    return en if lang() == "en" else zh


def beijing_time(value: str | dt.datetime | None) -> str:
    """An instant of the APIs (ISO 8601, UTC) as a person in the county reads it: Beijing time,
    ``YYYY-MM-DD HH:MM``; ``None`` as "—", a value that is no time as it came."""
    if value is None or value == "":
        return "—"
    try:
        at = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    at = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M")
