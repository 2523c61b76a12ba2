"""The words that make a tag, category, employer, position or title imply a religion or an
ethnicity: all 56 ethnic groups of China (with and without 族), the religions, their clergy and
their venues. ``chassis.sensitive.is_sensitive_value`` consults them.

A blocklist fails open when it is incomplete, so it is complete on purpose rather than
illustrative. Bare group names of one or two characters (回, 白, 京, 土家) are common syllables, so
they count only as the whole value (optionally with 民/人: 回民, 满人); the 族 forms and the
longer, unambiguous names count anywhere inside a value.
"""

from __future__ import annotations

#: The 55 recognised minority ethnic groups, bare names, and the Han majority.
ETHNIC_GROUPS = (
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
    "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
    "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
    "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
    "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "汉",
)  # fmt: skip
#: Bare names long and rare enough to count anywhere inside a value.
_DISTINCT_NAMES = (
    *(n for n in ETHNIC_GROUPS if len(n) >= 3 and n != "俄罗斯"),
    "土家", "傈僳", "仫佬", "仡佬", "毛南", "撒拉", "锡伯", "鄂温", "维族", "蒙族", "藏民", "回民",
)  # fmt: skip
#: Religions, beliefs, clergy, venues and bodies, in Chinese and English.
RELIGIOUS_WORDS = (
    # religions and beliefs
    "宗教", "佛教", "道教", "伊斯兰", "穆斯林", "基督", "天主", "东正教", "犹太", "耶稣", "藏传",
    "萨满", "喇嘛教", "清真", "信佛", "信教", "信主", "信道", "礼佛", "拜佛", "念佛", "学佛", "佛学",
    "佛门", "禅宗", "教徒", "信徒", "信众", "教友", "居士", "皈依", "受洗", "礼拜", "斋月", "古兰",
    "圣经", "佛经", "福音", "弥撒", "朝觐", "开斋", "宗派", "教派", "教义", "教会", "教区",
    # clergy
    "阿訇", "伊玛目", "毛拉", "和尚", "僧人", "僧侣", "尼姑", "比丘", "喇嘛", "活佛", "仁波切", "堪布",
    "道士", "道长", "方丈", "住持", "法师", "牧师", "神父", "神甫", "修女", "修士", "主教", "传道",
    "长老会", "宗教教职",
    # venues and bodies
    "寺院", "寺庙", "佛寺", "清真寺", "道观", "宫观", "教堂", "礼拜堂", "经堂", "庵", "佛协", "道协",
    "伊协", "基督教两会",
    # ethnicity in general
    "民族", "少数民族", "族裔",
    # English
    "religio", "ethnic", "muslim", "islam", "christian", "church", "mosque", "temple", "buddhis",
    "taois", "catholic", "protestant", "minority", "imam", "priest", "pastor",
)  # fmt: skip
#: Substrings that by themselves mark a value sensitive.
SENSITIVE_SUBSTRINGS = RELIGIOUS_WORDS + tuple(f"{n}族" for n in ETHNIC_GROUPS) + _DISTINCT_NAMES
#: Whole values that are sensitive: every bare group name, with or without 民 or 人.
SENSITIVE_WHOLE_VALUES = frozenset(
    {n for n in ETHNIC_GROUPS} | {n + "民" for n in ETHNIC_GROUPS} | {n + "人" for n in ETHNIC_GROUPS}
)
