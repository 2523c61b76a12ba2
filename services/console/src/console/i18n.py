"""The console's words in Chinese (default) and English; ``t("people")`` in templates."""

from __future__ import annotations

from flask import session

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
}


def lang() -> str:
    return session.get("lang", "zh")


def t(key: str) -> str:
    zh, en = WORDS.get(key, (key, key))
    return en if lang() == "en" else zh
