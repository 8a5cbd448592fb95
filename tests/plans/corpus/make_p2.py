"""Generate the p2_*.docx corpus fixtures (run from anywhere; writes next to this file).

The documents are invented; their layouts imitate plans offices upload as Word files:
one with Word automatic numbering under unnumbered bold headings, one whose
responsibilities live only in a table (with a vertically merged category column).
"""

from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent


def _bold(doc, text):
    # A heading that is only bold body text, not a Heading style: Word users often do this.
    run = doc.add_paragraph().add_run(text)
    run.bold = True
    run.font.size = Pt(14)


def autonumber_bold_headings():
    doc = Document()
    doc.add_paragraph("竹溪市全民科学素质行动实施方案（2021—2025年）")
    doc.add_paragraph("竹政办发〔2022〕4号")
    doc.add_paragraph("为提升全市公民科学素质，制定本方案。")
    _bold(doc, "工作目标")
    doc.add_paragraph("到2025年，全市公民具备科学素质的比例达到13.5%，每年举办各类科普活动1000场次以上。")
    _bold(doc, "重点任务")
    # "List Number" carries numPr in the default template, so the numbers exist only in numbering.xml.
    items = [
        "开展青少年科学素质提升行动。组织科学家进校园活动，每年覆盖学生2万人次。（市教育局、科协牵头，团市委配合）",
        "开展产业工人科学素质提升行动。建设职工创新工作室累计25个。（市总工会牵头，市人力资源社会保障局、市科协配合）",
        "实施科普信息化提升工程。科普公众号年推送原创作品200篇以上。（宣传部、市科协牵头，市融媒体中心配合）",
        "办好全国科普日活动。（市委宣传部牵头，市科协配合）",
    ]
    for text in items:
        doc.add_paragraph(text, style="List Number")
    _bold(doc, "保障措施")
    doc.add_paragraph("市财政局将科普工作经费纳入年度预算。（市财政局负责）")
    doc.add_paragraph("竹溪市人民政府办公室")
    doc.add_paragraph("2022年1月20日")
    doc.save(HERE / "p2_docx_autonumber_bold.docx")


def responsibility_table():
    doc = Document()
    doc.add_paragraph("附件")
    doc.add_paragraph("霞川县全民科学素质行动重点任务责任分解表（2022—2025年）")
    rows = [
        ("序号", "类别", "工作任务", "牵头单位", "责任单位", "完成时限"),
        (
            "1",
            "提升行动",
            "青少年科技创新大赛，每年参赛作品不少于500件",
            "县教育局",
            "县科协、团县委",
            "每年",
        ),
        (
            "2",
            "提升行动",
            "老年人智能技术培训，累计培训1.2万人次",
            "县卫生健康局",
            "县民政局、县老科协",
            "2025年",
        ),
        ("3", "重点工程", "建设乡镇科普e站，覆盖率达到100%", "县科协", "各乡镇人民政府", "2024年"),
        ("4", "重点工程", "应急科普宣传进万家", "县应急管理局", "县气象局、县地震局", "持续"),
    ]
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    # Offices merge a category column vertically; the merged cell keeps the text once.
    for top, bottom in ((1, 2), (3, 4)):
        merged = table.cell(top, 1).merge(table.cell(bottom, 1))
        merged.text = rows[top][1]
    doc.add_paragraph("霞川县全民科学素质工作领导小组办公室")
    doc.add_paragraph("2022年5月9日")
    doc.save(HERE / "p2_docx_resp_table.docx")


if __name__ == "__main__":
    autonumber_bold_headings()
    responsibility_table()
