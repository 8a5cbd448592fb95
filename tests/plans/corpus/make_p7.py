"""Write the p7_* corpus documents (issue 15, real-layout acceptance and metadata).

Every text is invented; each one copies the *layout* of a kind of real page met while measuring the
parser on unseen real plans (kept outside the repository): a bare issuing notice in traditional
characters, pinyin glosses of a mirror site, a repost page whose summary line quotes the notice
title, a PDF flattened to one line with spaced dates, joint issuers separated by spaces, a
signature with a （…代章） line and a spaced date, a goals paragraph that reports progress before
the target, a task table with no title above it, and pages about a plan (news, 解读) that are not
plans. Run it from anywhere: ``python tests/plans/corpus/make_p7.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def put(name: str, text: str, gold: dict) -> None:
    (HERE / f"{name}.txt").write_text(text.strip("\n") + "\n", encoding="utf-8")
    (HERE / f"{name}.gold.json").write_text(
        json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


put(
    "p7_issuing_notice_trad",
    """
嵐屿市科協普函字〔2024〕7號
各區科協，市科協各部門，各市級學會：
為做好2024年全市科普工作，現將《嵐屿市科協2024年科普工作要點》印發給你們，請結合實際認真貫徹落實。
附件：嵐屿市科協2024年科普工作要點.doc
嵐屿市科協科普部
2024年3月5日
""",
    {
        "layout": "繁体：只有印发通知（文號首行+主送+現將《…要點》印發+附件行+落款部門+日期），方案本身在附件中",
        "accept": True,
        "fragment": True,
        "metadata": {
            "title": "嵐屿市科協2024年科普工作要點",
            "doc_number": "嵐屿市科協普函字〔2024〕7號",
            "issuer": "嵐屿市科協科普部",
            "date": "2024-03-05",
        },
    },
)

put(
    "p7_pinyin_gloss_trad",
    """
首頁(yè)/ 政府信息公開(kāi) / 政策文件 / 正文

    關(guān)于印發(fā)貫徹《全民科學(xué)素質(zhì)行動(dòng)規(guī)劃綱要(2021-2035年)》實(shí)施方案的通知

    來(lái)源:青梧縣人民政府 發(fā)布時(shí)間:2023-04-18 09:30

    各鎮(zhèn)人民政府、街道辦事處,縣政府各工作部門(mén):

    《青梧縣貫徹全民科學(xué)素質(zhì)行動(dòng)規(guī)劃綱要(2021—2035年)實(shí)施方案》已經(jīng)縣政府同意,現(xiàn)印發(fā)給你們,請(qǐng)認(rèn)真貫徹實(shí)施。

    青梧縣人民政府

    2023年4月10日

    青梧縣貫徹《全民科學(xué)素質(zhì)行動(dòng)規(guī)劃綱要(2021-2035年)》實(shí)施方案

    為提升我縣公民科學(xué)素質(zhì)水平,結(jié)合實(shí)際,制定本方案。

    一、主要目標(biāo)

    到2025年,我縣公民具備科學(xué)素質(zhì)的比例達(dá)到12.5%。
""",
    {
        "layout": "繁体+拼音注音雜字（質(zhì)）；網站來源/發布時間行（晚於落款日期）；標題為“縣名+貫徹《綱要》實施方案”，通知只引“貫徹《…》實施方案”",
        "accept": True,
        "fragment": True,
        "metadata": {
            "title": "青梧縣貫徹《全民科學素質行動規劃綱要(2021-2035年)》實施方案",
            "issuer": "青梧縣人民政府",
            "date": "2023-04-10",
            "region": "青梧县",
            "headline": {"value": 12.5, "year": 2025},
        },
        "targets": [{"value": 12.5, "unit": "%"}],
    },
)

put(
    "p7_summary_line_repost",
    """
当前位置：首页 > 政策法规 > 正文

泓川市全民科学素质行动规划纲要实施方案（2021—2025年）

时间：2022-03-02 10:15 来源： 编辑：站务

核心提示

泓川市人民政府关于印发泓川市全民科学素质行动规划纲要实施方案（2021—2025年）的通知某某科普网2022-02-28 16:40泓川市全民科学素质行动规划纲要实施方案（2021—2025年）为深入贯彻…

泓川市人民政府关于印发泓川市全民科学素质行动规划纲要实施方案（2021—2025年）的通知
泓政发〔2022〕3号

各县（区）人民政府，市政府各部门：

现将《泓川市全民科学素质行动规划纲要实施方案（2021—2025年）》印发给你们，请认真贯彻执行。

泓川市人民政府
2022年1月26日

（此件公开发布）

泓川市全民科学素质行动规划纲要实施方案（2021—2025年）

一、主要目标

到2025年，全市公民具备科学素质的比例达到13%。

二、重点任务

（一）青少年科学素质提升行动。由市教育局牵头，市科协、团市委参加。
""",
    {
        "layout": "转载站：页面标题+时间行+“核心提示”摘要行（引通知标题后接转载来源和日期）+通知+文号+落款+方案",
        "accept": True,
        "fragment": True,
        "metadata": {
            "title": "泓川市全民科学素质行动规划纲要实施方案（2021—2025年）",
            "doc_number": "泓政发〔2022〕3号",
            "issuer": "泓川市人民政府",
            "date": "2022-01-26",
            "region": "泓川市",
            "period": {"start": 2021, "end": 2025},
            "headline": {"value": 13, "year": 2025},
        },
        "units": ["市教育局", "市科协", "团市委"],
        "tasks": [
            {"title": "青少年科学素质提升行动", "lead": ["市教育局"], "participants": ["市科协", "团市委"]}
        ],
        "targets": [{"value": 13, "unit": "%"}],
    },
)

put(
    "p7_pdf_flattened_notice",
    """
临溪省人民政府关于印发临溪省科普能力提升行动规划（2023—2027年）的通知.pdf
临政发 〔 2023〕11 号 临溪省人民政府关于印发临溪省科普能力 提升行动规划 ( 2023—2027 年 ) 的通知 各市 、 州人民政府 , 省政府各部门 : 现将 «临溪省科普能力提升行动规划 ( 2023—2027 年 )»印 发 给你们 , 请认真贯彻实施 . 临溪省人民政府 (此件公开发布 ) 2023 年 4 月 6 日 — 1 — 临溪省科普能力提升行动规划 ( 2023—2027 年 ) 为提升全省科普能力 , 制定本规划 . 一 、 总体目标 到 2027 年 , 全省公民具备科学素质的比例达到 14% .
""",
    {
        "layout": "PDF转文本：文件名行+全文压成一行、字间空格、«»书名号、“(此件公开发布 ) 2023 年 4 月 6 日 — 1 —”",
        "accept": True,
        "fragment": True,
        "metadata": {
            "title": "临溪省科普能力提升行动规划（2023—2027年）",
            "doc_number": "临政发〔2023〕11号",
            "issuer": "临溪省人民政府",
            "date": "2023-04-06",
            "region": "临溪省",
            "period": {"start": 2023, "end": 2027},
        },
    },
)

put(
    "p7_joint_spaced_issuers",
    """
松阜市科技局 中共松阜市委宣传部 松阜市科协关于印发《松阜市“十四五”科学技术普及发展规划》的通知

松科发〔2022〕41号

各县（区）科技局、党委宣传部、科协，市直有关单位：

现将《松阜市“十四五”科学技术普及发展规划》印发给你们，请结合实际认真贯彻实施。

松阜市科技局 中共松阜市委宣传部 松阜市科协

2022年9月14日

松阜市“十四五”科学技术普及发展规划

一、发展目标

到2025年，全市公民具备科学素质的比例超过14%。“十三五”期末，全市公民具备科学素质的比例已达到9.8%。
""",
    {
        "layout": "三部门联合发文：标题前机关名以空格分隔（末一个是“科协”）+文号+落款同样三名一行；期限只在“十四五”；正文有已达到的基线",
        "accept": True,
        "fragment": True,
        "metadata": {
            "title": "松阜市“十四五”科学技术普及发展规划",
            "doc_number": "松科发〔2022〕41号",
            "issuer": "松阜市科技局",
            "date": "2022-09-14",
            "region": "松阜市",
            "period": {"start": 2021, "end": 2025},
            "headline": {"value": 14, "year": 2025},
        },
        "targets": [{"value": 14, "unit": "%"}],
    },
)

put(
    "p7_seal_spaced_date",
    """
汀兰县全民科学素质工作领导小组办公室文件
汀科素办发〔2021〕2号
各乡镇人民政府，县全民科学素质工作领导小组各成员单位：
现将《汀兰县2021年全民科学素质行动工作要点》印发给你们，请认真抓好落实。
汀兰县全民科学素质工作领导小组办公室
（汀兰县科协代章）
2021 年 6 月 3 日
汀兰县2021年全民科学素质行动工作要点
一、实施青少年科学素质提升行动。由县教育局牵头，县科协参加。
二、实施农民科学素质提升行动。由县农业农村局牵头，县科协、县妇联参加。
""",
    {
        "layout": "版头“X文件”+文号+主送+落款机关+（…代章）行+空格分隔的日期“2021 年 6 月 3 日”+工作要点",
        "accept": True,
        "fragment": False,
        "metadata": {
            "title": "汀兰县2021年全民科学素质行动工作要点",
            "doc_number": "汀科素办发〔2021〕2号",
            "issuer": "汀兰县全民科学素质工作领导小组办公室",
            "date": "2021-06-03",
            "region": "汀兰县",
        },
        "units": ["县教育局", "县科协", "县农业农村局", "县妇联"],
        "tasks": [
            {"title": "实施青少年科学素质提升行动", "lead": ["县教育局"], "participants": ["县科协"]},
            {
                "title": "实施农民科学素质提升行动",
                "lead": ["县农业农村局"],
                "participants": ["县科协", "县妇联"],
            },
        ],
    },
)

put(
    "p7_baseline_progress",
    """
柘岗县全民科学素质行动实施方案（2024—2026年）
一、工作目标
截至2023年，全县公民具备科学素质的比例达到8.47%，比2020年提高2个百分点。到2026年，全县公民具备科学素质的比例由2023年的8.47%提升至11%以上。
二、重点任务
（一）科普阵地建设工程。由县科协牵头，县财政局参加。
""",
    {
        "layout": "目标段先写进展/基线（截至2023年…达到8.47%；由2023年的8.47%提升至11%），标题文号日期均无",
        "accept": True,
        "fragment": True,
        "metadata": {
            "title": "柘岗县全民科学素质行动实施方案（2024—2026年）",
            "region": "柘岗县",
            "period": {"start": 2024, "end": 2026},
            "headline": {"value": 11, "year": 2026},
        },
        "units": ["县科协", "县财政局"],
        "tasks": [{"title": "科普阵地建设工程", "lead": ["县科协"], "participants": ["县财政局"]}],
        "targets": [{"value": 11, "unit": "%"}],
    },
)

put(
    "p7_tab_table_no_title",
    """
序号\t重点任务\t牵头单位\t配合单位\t完成时限
1\t实施青少年科技创新计划\t区教育局\t区科协\t2024年底
2\t实施社区科普益民计划\t区科协\t区民政局\t2024年底
""",
    {
        "layout": "只有一张TAB分隔的分工表（任务名含“计划”），表上没有标题",
        "accept": True,
        "fragment": True,
        "metadata": {"title": ""},
        "units": ["区教育局", "区科协", "区民政局"],
        "tasks": [
            {"title": "实施青少年科技创新计划", "lead": ["区教育局"], "participants": ["区科协"]},
            {"title": "实施社区科普益民计划", "lead": ["区科协"], "participants": ["区民政局"]},
        ],
    },
)

put(
    "p7_news_report",
    """
《鹭屿市全民科学素质行动规划纲要实施方案（2021—2025年）》正式发布

本报讯（记者 林晓）日前，鹭屿市人民政府印发《鹭屿市全民科学素质行动规划纲要实施方案（2021—2025年）》。《方案》提出，到2025年，全市公民具备科学素质的比例达到14%。
一、五项提升行动
《方案》明确，将开展青少年、农民、产业工人、老年人、领导干部和公务员科学素质提升行动。
二、五项重点工程
《方案》还部署了科普信息化、科普基础设施等重点工程。
""",
    {
        "layout": "报纸新闻：标题“《…》正式发布”+本报讯+转述目标和编号小标题，不是方案",
        "accept": False,
        "fragment": False,
    },
)

put(
    "p7_interpretation_page",
    """
解读《榆宁县全民科学素质行动规划纲要实施方案（2021—2025年）》
索引号：11340000/2022-00417  发布机构：榆宁县人民政府办公室  发布时间：2022-11-03
一、政策背景
为加强新时代科普工作，县政府制定了本实施方案。
二、主要目标
到2025年，全县公民具备科学素质的比例达到12%。
三、重点任务
实施五项提升行动和五项重点工程。
""",
    {
        "layout": "政策解读页：解读《…》+信息栏+一、二、三、小标题，不是方案本身",
        "accept": False,
        "fragment": False,
    },
)

put(
    "p7_bare_notice_approved",
    """
各乡镇人民政府、园区管委会，县级各部门：
《枫桥县全民科学素质行动规划纲要实施方案（2021—2025年）》已经县政府第十二次常务会议审议通过，现印发给你们，请认真贯彻执行。
枫桥县人民政府办公室
2022年3月8日
枫桥县全民科学素质行动规划纲要实施方案.doc
""",
    {
        "layout": "只有印发通知正文：无通知标题、无文号，“《X》已经…审议通过，现印发给你们”+落款+附件文件名",
        "accept": True,
        "fragment": True,
        "metadata": {
            "title": "枫桥县全民科学素质行动规划纲要实施方案（2021—2025年）",
            "issuer": "枫桥县人民政府办公室",
            "date": "2022-03-08",
            "region": "枫桥县",
            "period": {"start": 2021, "end": 2025},
        },
    },
)

put(
    "p7_work_summary",
    """
2023年县科协科普工作总结
一、科普阵地建设稳步推进
全年新建乡镇科普惠农服务站6个，完成年初计划。
二、重点人群科学素质提升行动成效明显
举办青少年科技节，参与学生2000人次。
三、存在的问题和下一步打算
基层科普力量仍显薄弱。
""",
    {"layout": "年度工作总结（编号小标题回顾已做工作），不是方案", "accept": False, "fragment": False},
)
