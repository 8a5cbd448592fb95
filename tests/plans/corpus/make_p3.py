"""Generate the PDF fixtures of the p3_ corpus (invented text in real layouts).

Run: .venv/bin/python tests/plans/corpus/make_p3.py  (needs WeasyPrint and Noto CJK fonts).
The generated PDFs are committed so the corpus does not depend on WeasyPrint at test time.
"""

from pathlib import Path

from weasyprint import HTML

HERE = Path(__file__).resolve().parent

BASE_CSS = """
body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 12pt; line-height: 1.6; }
h1 { font-size: 16pt; text-align: center; }
p { margin: 0 0 4pt 0; text-indent: 2em; }
p.right { text-align: right; text-indent: 0; }
p.center { text-align: center; text-indent: 0; }
p.flat { text-indent: 0; }
"""

# Two-column gazette page: CSS columns make pdfplumber see two text blocks side by side.
TWOCOL = """
<html><head><style>/*CSS*/
@page { size: A4; margin: 2cm; }
.cols { column-count: 2; column-gap: 1.2cm; }
</style></head><body>
<h1>澜岙市全民科学素质行动规划纲要实施方案（2021—2025年）</h1>
<p class="center">澜政发〔2022〕12号</p>
<div class="cols">
<p class="flat">各区人民政府，市政府各部门：</p>
<p>现将《澜岙市全民科学素质行动规划纲要实施方案（2021—2025年）》印发给你们，请认真贯彻执行。</p>
<p class="right">澜岙市人民政府</p>
<p class="right">2022年9月6日</p>
<p class="flat">一、目标</p>
<p>到2025年，全市公民具备科学素质的比例达到14%，每万人拥有科普场馆展厅面积达到90平方米，科普人员总数达到6000人。</p>
<p class="flat">二、重点任务</p>
<p>（一）青少年科学素质提升行动。由市教育局、市科协牵头，团市委、市妇联、市科技局参加。建设科技教育特色学校50所，每年组织青少年科技竞赛活动不少于20项。</p>
<p>（二）产业工人科学素质提升行动。由市人力资源社会保障局、市总工会牵头，市工业和信息化局、市科协参加。每年开展职工技能培训4万人次。</p>
<p>（三）老年人科学素质提升行动。由市卫生健康委、市民政局牵头，市科协、市老龄办参加。每年举办老年健康科普讲座300场。</p>
<p>（四）科普信息化提升工程。由市委宣传部、市科协牵头，市委网信办、市融媒体中心参加。培育科普自媒体账号100个。</p>
<p class="flat">三、保障措施</p>
<p>市财政局要将科学素质工作经费纳入预算，各区人民政府要建立相应工作机制，各成员单位要按职责抓好落实。</p>
</div>
</body></html>
""".replace("/*CSS*/", BASE_CSS)

# Gazette with running header, footer and page numbers on every page.
RUNNING = """
<html><head><style>/*CSS*/
@page { size: A5; margin: 2.2cm 1.6cm;
  @top-center { content: "棠溪市人民政府公报　2024年第3期"; font-family: 'Noto Sans CJK SC'; font-size: 9pt; }
  @bottom-center { content: "— " counter(page) " —"; font-family: 'Noto Sans CJK SC'; font-size: 9pt; } }
.pb { page-break-before: always; }
</style></head><body>
<h1>棠溪市人民政府办公室关于印发棠溪市全民科学素质提升行动实施方案（2024—2027年）的通知</h1>
<p class="center">棠政办发〔2024〕3号</p>
<p class="flat">各县（市、区）人民政府，市直有关部门：</p>
<p>《棠溪市全民科学素质提升行动实施方案（2024—2027年）》已经市政府同意，现印发给你们，请认真组织实施。</p>
<p class="right">棠溪市人民政府办公室</p>
<p class="right">2024年1月22日</p>
<h1 class="pb">棠溪市全民科学素质提升行动实施方案（2024—2027年）</h1>
<p>2023年，全市公民具备科学素质的比例为13.2%。为进一步提升全市公民科学素质，制定本方案。</p>
<p class="flat">一、主要目标</p>
<p>到2027年，全市公民具备科学素质的比例达到18%；全市科普经费年投入达到2000万元；新增市级科普教育基地30个；注册科普志愿者达到1.5万人。</p>
<p class="flat">二、重点任务</p>
<p>（一）实施科学教育提质行动。推动中小学科学课程开齐开足，配备专职科学教师800名。</p>
<p>牵头单位：市教育局</p>
<p>配合单位：市科协、市科技局、团市委</p>
<p>（二）实施农民科技素质提升行动。建设乡村科普服务站120个，开展农技培训每年2万人次。</p>
<p>牵头单位：市农业农村局、市科协</p>
<p>配合单位：市乡村振兴局、市妇联</p>
<p>（三）实施应急科普能力提升行动。建设应急科普体验馆5个，开展应急科普宣传进社区活动每年200场。</p>
<p>牵头单位：市应急管理局</p>
<p>配合单位：市卫生健康委、市气象局、市地震局、市科协</p>
<p>（四）实施科普场馆提升工程。推进市科技馆新馆建设，年接待观众达到60万人次。</p>
<p>牵头单位：市科协、市发展改革委</p>
<p>配合单位：市财政局、市自然资源和规划局</p>
<p class="flat">三、保障措施</p>
<p>各县（市、区）人民政府要结合实际制定具体措施，市直有关部门要加强协调配合。</p>
</body></html>
""".replace("/*CSS*/", BASE_CSS)

# Notice without the issuer in its title: the issuer is only in the 落款, dated in Chinese numerals.
SIGNATURE = """
<html><head><style>/*CSS*/
@page { size: A4; margin: 2.5cm; }
hr { border: 0; border-top: 1px solid #000; }
</style></head><body>
<p class="center">芷渡县科协文件</p>
<p class="center">芷科协发【2024】1号</p>
<h1>关于印发《芷渡县科普工作实施意见（2024—2026年）》的通知</h1>
<p class="flat">各乡镇科协，县直有关单位：</p>
<p>现将《芷渡县科普工作实施意见（2024—2026年）》印发给你们，请结合工作实际认真贯彻落实。</p>
<h1>芷渡县科普工作实施意见（2024—2026年）</h1>
<p>依据《中华人民共和国科学技术普及法》和《省科学技术普及条例》，为推动全县科普工作高质量发展，提出如下实施意见。</p>
<p class="flat">一、工作目标</p>
<p>到2026年，全县公民具备科学素质的比例达到9.5%，建成乡镇科普示范站10个，培育县级科普讲解员100名。</p>
<p class="flat">二、主要措施</p>
<p>1. 加强科普阵地建设。依托新时代文明实践中心建设科普活动室。（县科协、县委宣传部负责）</p>
<p>2. 推进校园科普。组织科学家进校园活动每年30场。（县教育局、县科协负责）</p>
<p>3. 开展卫生健康科普。组建健康科普专家团队，年开展义诊科普活动50次。（县卫生健康局负责）</p>
<p class="right">芷渡县科学技术协会</p>
<p class="right">二〇二四年一月九日</p>
<hr/>
<p class="flat">抄送：县委办公室，县人大常委会办公室，县政府办公室，县政协办公室。</p>
<p class="flat">芷渡县科学技术协会办公室　　　　　　　　　　2024年1月10日印发</p>
</body></html>
""".replace("/*CSS*/", BASE_CSS)


def main() -> None:
    for name, html in (("p3_pdf_twocol", TWOCOL), ("p3_pdf_running_header", RUNNING),
                       ("p3_pdf_signature", SIGNATURE)):
        HTML(string=html).write_pdf(HERE / f"{name}.pdf")


if __name__ == "__main__":
    main()
