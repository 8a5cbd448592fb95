"""Invented but plausible Chinese names and numbers for the demo registries (kesu.cli.demo_resources):
people, outreach bases, teams, communities, activity topics. No Django here.

Personal numbers are fake on purpose and recognisably so:

* ID numbers (身份证号) have the right shape (region code, birth date, sequence) but a check character
  that is deliberately wrong under GB 11643-1999, so none of them can be a real person's number and
  any validator rejects them.
* Phone numbers are 11 digits in the block 100-0555-xxxx: no Chinese mobile number starts with 10
  (mobile numbers begin 13–19), and 0555 echoes the usual fictional-number convention.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺"
)
GIVEN = "建国华明伟芳丽军敏静强磊洋勇艳杰娟涛超秀霞平刚桂英玉兰志红文辉鹏宇浩凯欣悦思雨晨嘉俊海峰斌琳婷雪梅林波宁博立新春燕丹晓然昊瑞萍晶颖慧倩亮成东坤岩"

GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
GB11643_CHECK = "10X98765432"


def gb11643_check(body: str) -> str:
    """The check character GB 11643-1999 gives the first 17 digits of an ID number."""
    return GB11643_CHECK[sum(int(d) * w for d, w in zip(body, GB11643_WEIGHTS, strict=True)) % 11]


def fake_id_number(rng: random.Random, region_code: str, birth_year: int) -> str:
    """An ID-shaped number whose check character is wrong on purpose (see the module docstring)."""
    birth = datetime.date(birth_year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    body = f"{region_code}{birth:%Y%m%d}{rng.randrange(1, 999):03d}"
    right = GB11643_CHECK.index(gb11643_check(body))
    return body + GB11643_CHECK[(right + 1 + rng.randrange(10)) % 11]


def fake_phone(serial: int) -> str:
    """100-0555-xxxx: not a number any Chinese mobile or landline can have (see the module docstring)."""
    return f"1000555{serial % 10000:04d}"


class Names:
    """Unique person names within one registry of one region."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2))))
            name = self.rng.choice(SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name


# --- regions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """What the demo invents for one region: the places named in its records and how big it is."""

    short: str  # 徐州, 乳山 … for plaque numbers and team names
    province: str  # the province's one-character name, for provincial plaques
    places: tuple[str, ...]  # name prefixes of bases and teams: the region, then its districts
    coastal: bool = False
    crops: tuple[str, ...] = ("蔬菜", "果树", "食用菌")
    extra_bases: tuple[tuple[str, str, str], ...] = ()  # (name, category, host) special to the region
    is_city: bool = False


PROFILES = {
    "320300": Profile("徐州", "苏", ("徐州市", "鼓楼区", "云龙区", "贾汪区", "泉山区", "铜山区", "丰县", "沛县",
                                    "睢宁县", "新沂市", "邳州市"),
                      crops=("大蒜", "蔬菜", "食用菌", "银杏"), is_city=True,
                      extra_bases=(("采煤塌陷地生态修复科普园", "tourism", "自然资源和规划局"),
                                   ("工程机械科普展示中心", "production", "工业和信息化局"),
                                   ("汉文化科技考古展示馆", "venue", "文化广电和旅游局"))),
    "371000": Profile("威海", "鲁", ("威海市", "环翠区", "文登区", "荣成市"), coastal=True,
                      crops=("苹果", "花生", "西洋参"), is_city=True,
                      extra_bases=(("海洋牧场科普示范基地", "production", "海洋发展局"),
                                   ("海洋科普馆", "venue", "海洋发展局"))),
    "371083": Profile("乳山", "鲁", ("乳山市",), coastal=True, crops=("牡蛎", "茶叶", "苹果"),
                      extra_bases=(("牡蛎养殖科技示范基地", "production", "海洋发展局"),)),
    "430503": Profile("大祥", "湘", ("大祥区",), crops=("茶叶", "油茶", "蔬菜"),
                      extra_bases=(("油茶科技示范园", "production", "农业农村局"),)),
    "370105": Profile("天桥", "鲁", ("天桥区",), crops=("蔬菜", "花卉", "食用菌"),
                      extra_bases=(("黄河水情教育基地", "tourism", "水务局"),)),
}


def profile_for(code: str, name: str, is_city: bool) -> Profile:
    return PROFILES.get(code) or Profile(name[:2], "", (name,), is_city=is_city)


# --- outreach bases --------------------------------------------------------------------------

# (name after the place, category, host department after the place); the first group reads best at
# the higher levels.
HIGH_BASES = (
    ("科技馆", "venue", "科学技术协会"), ("青少年科技馆", "venue", "科学技术协会"),
    ("自然博物馆", "venue", "文化和旅游局"), ("气象科普馆", "venue", "气象局"),
    ("防震减灾科普馆", "venue", "应急管理局"), ("规划展览馆", "venue", "自然资源和规划局"),
    ("农业科学研究所科普示范基地", "research", "农业科学研究所"), ("植物园", "tourism", "园林局"),
    ("湿地公园科普教育基地", "tourism", "园林局"), ("疾病预防控制中心健康科普馆", "research", "疾病预防控制中心"),
)
OTHER_BASES = (
    ("青少年活动中心", "venue", "教育局"), ("消防科普教育馆", "venue", "消防救援大队"),
    ("安全生产宣传教育体验馆", "venue", "应急管理局"), ("图书馆少儿科普阅读中心", "venue", "图书馆"),
    ("实验小学科技创新教育基地", "education", "实验小学"), ("第一中学科学教育实践基地", "education", "第一中学"),
    ("职业中等专业学校智能制造实训基地", "education", "职业中等专业学校"),
    ("中小学生综合实践基地", "education", "教育局"), ("气象台", "research", "气象局"),
    ("水文站水文化科普基地", "research", "水文局"), ("环境监测站开放实验室", "research", "生态环境局"),
    ("现代农业科技示范园", "production", "农业农村局"), ("设施蔬菜科技示范园", "production", "农业农村局"),
    ("智慧农业示范基地", "production", "农业农村局"), ("污水处理厂环保科普教育基地", "production", "水务集团"),
    ("生活垃圾焚烧发电厂环保教育基地", "production", "城市管理局"), ("新能源科普展示中心", "production", "供电公司"),
    ("智能制造科普展厅", "production", "工业和信息化局"), ("森林公园自然教育基地", "tourism", "林业局"),
    ("生态农业观光园", "tourism", "农业农村局"), ("人民医院健康科普基地", "other", "人民医院"),
    ("中医院中医药文化科普馆", "other", "中医院"), ("老年大学科普活动中心", "other", "老年大学"),
    ("社区科普e站", "other", "科学技术协会"), ("交通安全宣传教育基地", "venue", "公安局交通警察大队"),
)


def base_figures(rng: random.Random, category: str) -> dict:
    big = category in ("venue", "tourism")
    area = rng.randrange(1500, 12000, 50) if big else rng.randrange(300, 3000, 20)
    visitors = rng.randrange(40_000, 600_000, 500) if big else rng.randrange(3_000, 60_000, 100)
    return {"exhibition_area": float(area), "annual_visitors": visitors,
            "open_days": rng.randrange(240, 330) if big else rng.randrange(150, 300),
            "staff": rng.randrange(6, 60) if big else rng.randrange(3, 20), "guides": rng.randrange(2, 15)}


# --- experts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Speciality:
    field: str
    tags: tuple[str, ...]  # names in the expertise vocabulary (migration resources 0002)
    organisation: str  # after the place
    titles: tuple[str, ...]
    emergency: float = 0.1  # chance of being on the emergency team
    coastal_only: bool = False


SPECIALITIES = (
    Speciality("临床医学", ("医疗健康", "老年健康"), "人民医院", ("主任医师", "副主任医师"), 0.3),
    Speciality("公共卫生", ("公共卫生与传染病防控", "医疗健康"), "疾病预防控制中心", ("主任医师", "副主任医师"), 0.8),
    Speciality("精神卫生", ("心理健康",), "精神卫生中心", ("副主任医师", "心理治疗师"), 0.4),
    Speciality("中医学", ("中医药", "老年健康"), "中医院", ("主任中医师", "副主任中医师")),
    Speciality("安全工程", ("应急避险", "消防安全"), "应急管理局", ("高级工程师",), 0.9),
    Speciality("地球物理", ("地震", "防灾减灾"), "地震监测中心", ("高级工程师", "工程师"), 0.9),
    Speciality("大气科学", ("气象", "防灾减灾"), "气象台", ("正高级工程师", "高级工程师"), 0.8),
    Speciality("食品科学", ("食品安全",), "食品药品检验检测中心", ("高级工程师",), 0.3),
    Speciality("作物栽培", ("农业技术",), "农业技术推广中心", ("农业技术推广研究员", "高级农艺师")),
    Speciality("园艺", ("林业与园艺", "农业技术"), "林业发展中心", ("高级工程师", "高级农艺师")),
    Speciality("畜牧兽医", ("畜牧兽医",), "动物疫病预防控制中心", ("高级兽医师",), 0.3),
    Speciality("环境科学", ("生态环境", "能源与节能"), "生态环境监测中心", ("高级工程师",)),
    Speciality("计算机科学", ("信息技术", "人工智能", "数字素养"), "职业技术学院", ("副教授", "教授")),
    Speciality("机械工程", ("先进制造", "新材料"), "技师学院", ("高级讲师", "正高级工程师")),
    Speciality("物理教育", ("科学教育", "物理与天文"), "第一中学", ("正高级教师", "高级教师")),
    Speciality("生物教育", ("科学教育", "生命科学"), "实验中学", ("高级教师",)),
    Speciality("化学", ("化学化工",), "第二中学", ("高级教师",)),
    Speciality("博物馆学", ("科技史与文化遗产",), "博物馆", ("研究馆员", "副研究馆员")),
    Speciality("电气工程", ("能源与节能",), "供电公司", ("高级工程师",), 0.3),
    Speciality("海洋科学", ("海洋", "生态环境"), "海洋与渔业研究所", ("研究员", "副研究员"), 0.3, True),
)


# --- volunteers, messengers, organisations -----------------------------------------------------

TEAMS = (  # (name after the place, kind, host after the place)
    ("科协科技志愿服务队", "science", "科学技术协会"), ("银龄科普志愿服务队", "senior", "老科技工作者协会"),
    ("卫生健康科普志愿服务队", "science", "卫生健康局"), ("应急科普志愿服务队", "emergency", "应急管理局"),
    ("青年科普志愿服务队", "youth", "共青团委员会"), ("气象科普志愿服务队", "science", "气象局"),
    ("老干部银龄科普宣讲团", "senior", "老干部局"), ("农技科普志愿服务队", "science", "农业技术推广中心"),
)
SKILLS = ("科普讲解", "健康宣教", "应急救护", "农业技术", "青少年科技辅导", "智能手机教学", "摄影宣传", "防灾减灾宣传")
SERVICE = ("社区科普宣传", "科普场馆讲解服务", "应急科普知识宣传", "科普大篷车进乡村", "老年人智能手机教学",
           "青少年科技活动辅导", "健康义诊与科普咨询", "防汛防灾科普宣传")

VILLAGE_HEADS = "东西南北前后上下大小新老"
VILLAGE_ROOTS = ("王家", "李家", "张家", "刘家", "河", "山", "岭", "湖", "桥", "庄", "店", "沟", "营", "集", "屯", "泉", "塘")
COMMUNITIES = ("和平", "建设", "幸福", "光明", "振兴", "文化", "新华", "滨河", "青年", "人民", "朝阳", "育才",
               "锦绣", "康乐", "花园", "书香", "长青", "新城")


def communities(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        if rng.random() < 0.55:
            name = rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_ROOTS) + "村"
        else:
            name = rng.choice(COMMUNITIES) + "社区"
        if name not in names:
            names.append(name)
    return names


def organisations(place: str, crops: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """(name, kind, members) of a region's outreach organisations."""
    return [
        (f"{place}医学会", "society", 860), (f"{place}农学会", "society", 420),
        (f"{place}{crops[0]}专业技术协会", "rural", 310), (f"{place}{crops[1]}种植技术协会", "rural", 180),
        (f"{place}科普志愿者协会", "outreach", 1250), (f"{place}青少年科技教育协会", "outreach", 240),
        (f"{place}老科技工作者协会", "other", 390),
    ]


# --- activities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    name: str  # "{place}" and "{year}" are filled in
    organisers: tuple[str, ...]  # keywords of the organising unit's name, first match wins
    audiences: tuple[str, ...]
    tag: str = ""  # expertise of the experts invited
    tasks: tuple[str, ...] = ()  # keywords of the plan tasks it serves, besides its audiences'
    participants: tuple[int, int] = (60, 300)
    online: float = 0.2  # chance of an online broadcast
    at_base: bool = False
    coastal_only: bool = False


@dataclass(frozen=True)
class Season:
    kind: str
    months: tuple[int, ...]
    days: tuple[int, int]  # first and last day of month allowed
    topics: tuple[Topic, ...]
    per_year: tuple[int, int] = field(default=(2, 4))  # county, city


SEASONS = (
    Season("science_day", (9,), (10, 25), (
        Topic("{year}年全国科普日{place}主场活动", ("科协",), ("public", "youth"), "", ("品牌活动", "科普活动"),
              (2000, 8000), 0.9, True),
        Topic("全国科普日科普进社区活动", ("科协", "民政"), ("public", "elderly"), "医疗健康", ("基层科普",), (200, 900)),
        Topic("全国科普日科普大篷车进校园", ("科协", "教育", "教体"), ("youth",), "科学教育", ("青少年",), (300, 1500)),
        Topic("全国科普日应急科普体验活动", ("应急",), ("public",), "应急避险", ("应急",), (200, 1200)),
        Topic("全国科普日“科普惠农”乡村行", ("农业农村", "科协"), ("farmers",), "农业技术", ("农民",), (150, 800)),
        Topic("全国科普日科普场馆免费开放日", ("科协", "文化"), ("public", "youth"), "", ("场馆", "基础设施"),
              (800, 5000), 0.3, True),
    ), (2, 4)),
    Season("science_week", (5,), (14, 28), (
        Topic("{year}年{place}科技活动周启动仪式", ("科技",), ("public",), "", ("品牌活动", "科技资源"),
              (800, 3000), 0.8),
        Topic("科技活动周科研院所开放日", ("科技",), ("youth", "public"), "", ("科技资源",), (200, 1200), 0.2, True),
        Topic("科技活动周科技成果展示", ("科技", "工业和信息化", "工信"), ("public", "workers"), "先进制造",
              ("科技资源", "产业工人"), (500, 3000), 0.3),
        Topic("科技活动周青少年科技体验营", ("科协", "教育", "教体"), ("youth",), "科学教育", ("青少年",), (100, 600)),
    ), (2, 3)),
    Season("countryside", (12, 1, 2), (5, 26), (
        Topic("文化科技卫生“三下乡”集中示范活动", ("宣传部", "科协"), ("farmers", "elderly"), "医疗健康",
              ("农民", "乡村"), (400, 2000), 0.4),
        Topic("科技下乡送技术到田间", ("农业农村",), ("farmers",), "农业技术", ("农民", "乡村振兴"), (150, 600)),
        Topic("卫生健康下乡义诊与健康科普", ("卫生健康", "卫健"), ("farmers", "elderly"), "医疗健康",
              ("健康", "老年人"), (200, 800)),
        Topic("冬春农业科技培训进村", ("农业农村", "科协"), ("farmers",), "农业技术", ("高素质农民", "农民"), (80, 300)),
    ), (1, 2)),
    Season("lecture", (3, 4, 5, 6, 7, 8, 9, 10, 11), (3, 28), (
        Topic("慢性病防治健康科普讲座", ("卫生健康", "卫健"), ("elderly", "public"), "医疗健康", ("健康",)),
        Topic("老年人防跌倒与居家安全讲座", ("卫生健康", "卫健", "老干部", "民政"), ("elderly",), "老年健康", ("老年人",)),
        Topic("防范电信网络诈骗科普讲座", ("老干部", "民政", "宣传部"), ("elderly",), "数字素养", ("老年人", "智慧助老")),
        Topic("防汛防台风避险知识讲座", ("应急",), ("public",), "防灾减灾", ("应急",)),
        Topic("安全生产月专题讲座", ("应急", "总工会"), ("workers",), "应急避险", ("产业工人", "应急")),
        Topic("气象防灾减灾知识讲座", ("气象",), ("public", "farmers"), "气象", ("应急", "防灾")),
        Topic("领导干部科学素质专题讲座", ("组织部", "党校"), ("officials",), "人工智能", ("领导干部",), (80, 240), 0.1),
        Topic("科学家精神进校园报告会", ("科协", "教育", "教体"), ("youth",), "科学教育", ("青少年", "科学精神"),
              (200, 800)),
        Topic("职工创新方法与技能提升讲座", ("总工会", "人力资源", "人社"), ("workers",), "先进制造", ("产业工人", "技能")),
        Topic("农产品质量安全与绿色种植讲座", ("农业农村",), ("farmers",), "农业技术", ("农民",)),
        Topic("生态文明与垃圾分类科普讲座", ("生态环境",), ("public",), "生态环境", ("生态",)),
        Topic("心理健康与压力调适讲座", ("卫生健康", "卫健", "妇联", "总工会"), ("public", "workers"), "心理健康",
              ("健康",)),
        Topic("家庭科学教育家长讲座", ("妇联", "教育", "教体"), ("public", "youth"), "科学教育", ("家庭", "青少年")),
        Topic("中医药养生保健讲座", ("卫生健康", "卫健"), ("elderly",), "中医药", ("老年人", "健康")),
        Topic("智能手机使用与数字生活讲座", ("老干部", "民政", "科协"), ("elderly",), "数字素养", ("老年人", "信息素养")),
        Topic("海洋生态保护科普讲座", ("海洋",), ("public", "youth"), "海洋", ("生态",), coastal_only=True),
    ), (4, 7)),
    Season("exhibition", (3, 4, 6, 7, 8, 10, 11), (1, 20), (
        Topic("“航天梦·科技梦”主题科普展", ("科协", "科技"), ("youth", "public"), "航空航天", ("场馆", "科技资源"),
              (1500, 12000), 0.3, True),
        Topic("防灾减灾科普展", ("应急", "自然资源", "气象"), ("public",), "防灾减灾", ("应急",), (800, 6000), 0.2, True),
        Topic("生物多样性科普展", ("生态环境", "自然资源", "林业"), ("public", "youth"), "生态环境", ("生态",),
              (800, 8000), 0.2, True),
        Topic("人工智能互动体验展", ("科技", "工业和信息化", "工信"), ("youth", "public"), "人工智能",
              ("科技资源", "信息化"), (1000, 9000), 0.4, True),
        Topic("健康中国行科普巡展", ("卫生健康", "卫健"), ("public", "elderly"), "医疗健康", ("健康",), (600, 5000)),
        Topic("流动科技馆巡展", ("科协",), ("youth", "farmers"), "科学教育", ("场馆", "青少年"), (2000, 15000)),
        Topic("节水护水科普展", ("水务", "水利"), ("public",), "生态环境", ("生态",), (500, 4000), 0.1, True),
    ), (1, 2)),
    Season("competition", (4, 6, 10, 11), (5, 25), (
        Topic("{year}年{place}青少年科技创新大赛", ("科协", "教育", "教体"), ("youth",), "科学教育", ("青少年",),
              (300, 1500), 0.3),
        Topic("青少年机器人竞赛", ("教育", "教体", "科协"), ("youth",), "人工智能", ("青少年",), (150, 800)),
        Topic("中小学生科普知识竞赛", ("教育", "教体"), ("youth",), "科学教育", ("青少年",), (200, 1200), 0.5),
        Topic("全民科学素质网络知识竞赛", ("科协",), ("public",), "", ("品牌活动",), (500, 3000), 1.0),
        Topic("职工职业技能竞赛", ("总工会", "人力资源", "人社"), ("workers",), "先进制造", ("产业工人", "技能"),
              (100, 600)),
        Topic("科普讲解大赛", ("科协", "科技"), ("public",), "", ("科普人才", "科普队伍"), (100, 500), 0.6),
    ), (1, 2)),
    Season("training", (3, 4, 5, 7, 8, 10, 11), (3, 25), (
        Topic("高素质农民培训班", ("农业农村",), ("farmers",), "农业技术", ("高素质农民", "农民"), (40, 150), 0.0),
        Topic("职业技能提升培训班", ("人力资源", "人社"), ("workers",), "先进制造", ("职业技能", "产业工人"), (40, 200), 0.0),
        Topic("科技辅导员培训班", ("教育", "教体", "科协"), ("public",), "科学教育", ("科技辅导员", "教师"), (30, 120), 0.0),
        Topic("领导干部科学素质培训班", ("组织部", "党校"), ("officials",), "人工智能", ("领导干部",), (40, 120), 0.0),
        Topic("老年人智能技术运用培训", ("老干部", "民政", "科协"), ("elderly",), "数字素养", ("老年人", "智慧助老"),
              (30, 120), 0.0),
    ), (2, 3)),
    Season("other", (4, 7, 8, 10), (1, 28), (
        Topic("科普研学实践活动", ("教育", "教体", "科协"), ("youth",), "科学教育", ("青少年", "研学"), (100, 500), 0.1, True),
        Topic("科普阅读推广活动", ("文化", "文广"), ("public", "youth"), "", ("科普阅读",), (100, 600), 0.3),
        Topic("“科创中国”专家服务企业行", ("科协", "科技"), ("workers",), "先进制造", ("科技资源", "产业工人"),
              (30, 150), 0.0),
    ), (1, 1)),
)

AUDIENCE_TASK_WORDS = {
    "youth": ("青少年",), "farmers": ("农民", "乡村振兴"), "workers": ("产业工人", "制造业", "职业技能"),
    "elderly": ("老年人", "银龄", "助老"), "officials": ("领导干部", "公务员"),
}

# Participants rise after the pandemic years.
YEAR_FACTOR = {2021: 0.85, 2022: 0.8, 2023: 1.0, 2024: 1.08, 2025: 1.15, 2026: 1.2}
