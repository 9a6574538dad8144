"""Write the PDF and DOCX attachments that pages in site/ link to.

Needs reportlab and python-docx (in a venv of your own, not the project's) and a
CJK TrueType font: Debian's fonts-droid-fallback
(/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf), embedded as a subset,
so the PDFs carry a real text layer (pdftotext and pypdf read the Chinese back).

    python3 -m venv .venv-gen && .venv-gen/bin/pip install reportlab python-docx pypdf
    .venv-gen/bin/python tests/relevance/gov/tools/make_attachments.py

Some files carry a metadata title, others none, so a reader must fall back on the
first heading.  Output is deterministic (fixed dates, reportlab invariant mode).
"""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "site"
FONT = os.environ.get("CJK_FONT", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")

PDFS = [
    dict(path="www.ndrc.gov.cn/xxgk/zcfb/fzggwl/202312/P020231229517445937652.pdf",
         title="产业结构调整指导目录（2024年本）", author="国家发展和改革委员会",
         heading="产业结构调整指导目录（2024年本）",
         paras=[
             "第一类　鼓励类",
             "一、农林牧渔业：1. 农田建设与保护工程：高标准农田建设、耕地质量保护与提升、盐碱地综合利用；2. 现代种业：农作物、畜禽、水产新品种选育及种子（苗）生产。",
             "二、水利：1. 水资源优化配置与综合利用工程；2. 防洪提升工程；3. 城乡供水一体化及农村供水工程。",
             "三、煤炭：1. 煤炭智能化绿色开采技术；2. 煤矸石、煤泥综合利用。",
             "四、电力：1. 大中型水力发电及抽水蓄能电站；2. 风电、太阳能光伏发电、储能等新型电力系统建设；3. 智能电网。",
             "五、新能源：1. 太阳能热发电集热系统；2. 氢能制备、储运及加注设施；3. 生物质能清洁供热。",
             "二十八、信息产业：1. 集成电路设计、先进封装测试；2. 新型显示；3. 人工智能、大数据、云计算、工业互联网。",
             "第二类　限制类",
             "一、农林业：1. 天然草场超载放牧；2. 以优质林木为原料的一次性木制品。",
             "二、煤炭：1. 单井井型低于30万吨/年的煤矿。",
             "第三类　淘汰类",
             "注：淘汰类中标注（*）的为限期淘汰的落后生产工艺装备和产品。对淘汰类项目，禁止投资。各地区、各部门和有关企业要采取有力措施，按规定期限淘汰。",
             "本目录自2024年2月1日起施行，《产业结构调整指导目录（2019年本）》同时废止。",
         ]),
    dict(path="www.jiangsu.gov.cn/picture/0/s2112061638561234567.pdf",
         title=None, author=None,
         heading="江苏省被征地农民社会保障办法",
         paras=[
             "第一条　为了维护被征地农民合法权益，保障被征地农民长远生计，根据《中华人民共和国土地管理法》《中华人民共和国社会保险法》等法律法规，结合本省实际，制定本办法。",
             "第二条　本办法所称被征地农民，是指本省行政区域内农村集体所有土地被依法征收，在征收时享有农村集体经济组织成员权且拥有土地承包经营权的在册农业人口。",
             "第三条　被征地农民社会保障坚持“先保后征、应保尽保”原则。县级以上地方人民政府应当将被征地农民社会保障所需资金足额纳入征地补偿安置费用。",
             "第四条　被征地农民可以按规定参加企业职工基本养老保险或者城乡居民基本养老保险。社会保障补贴资金按规定记入个人账户或者抵缴养老保险费。",
             "第五条　被征地农民达到法定退休年龄的，按规定领取基本养老金；未达到的，可继续缴费至法定退休年龄。",
             "第六条　人力资源社会保障、自然资源、财政等部门按照职责分工做好被征地农民社会保障工作。",
             "第七条　本办法自2022年3月1日起施行。",
         ]),
    dict(path="gjj.nanjing.gov.cn/zcfg/202112/P020211228652301145870.pdf",
         title="南京住房公积金提取管理办法", author="南京住房公积金管理委员会",
         heading="南京住房公积金提取管理办法",
         paras=[
             "第一章　总则",
             "第一条　为规范住房公积金提取管理，维护缴存职工合法权益，根据国务院《住房公积金管理条例》等规定，结合本市实际，制定本办法。",
             "第二章　提取条件",
             "第二条　职工购买、建造、翻建、大修自住住房的，可以提取本人及配偶、父母、子女的住房公积金。",
             "第三条　职工及配偶在本市无自有住房且租赁住房的，可以提取住房公积金支付房租。租住商品住房的，单身职工每年提取不超过18000元，已婚职工夫妻合计每年不超过30000元。",
             "第四条　职工离休、退休，完全丧失劳动能力并与单位终止劳动关系，或者出境定居的，可以销户提取。",
             "第五条　职工偿还购房贷款本息的，每年可以提取一次。",
             "第三章　办理程序",
             "第六条　职工可以通过南京公积金APP、我的南京APP或者管理部服务窗口申请提取。材料齐全的，即时办结。",
             "第四章　附则",
             "第七条　本办法自2022年1月1日起施行。",
         ]),
]

DOCXS = [
    dict(path="www.mohrss.gov.cn/xxgk2020/fdzdgknr/zcfg/gfxwj/jy/202205/P020220527382061274563.docx",
         title="一次性留工培训补助申领表", heading="一次性留工培训补助申领表",
         intro="（中小微企业填报，按每名参保职工不超过500元标准申领）",
         rows=[("单位名称", ""), ("统一社会信用代码", ""), ("所属行业", ""), ("上月参保职工人数", ""),
               ("申请补助金额（元）", ""), ("开户银行及账号", ""), ("联系人及电话", "")],
         note="单位承诺：以上信息真实有效，补助资金用于组织职工参加线上线下培训。"),
    dict(path="www.jiangsu.gov.cn/picture/0/s2203181001237701234.docx",
         title="", heading="被征地农民参加基本养老保险申请表",
         intro="依据《江苏省被征地农民社会保障办法》（苏政发〔2021〕87号）",
         rows=[("姓名", ""), ("公民身份号码", ""), ("所在村（居）", ""), ("被征地时间", ""),
               ("选择参保险种", "□企业职工基本养老保险　□城乡居民基本养老保险"), ("社会保障补贴金额", ""), ("联系电话", "")],
         note="本人承诺所填信息真实，社会保障补贴资金按规定记入个人账户或抵缴养老保险费。"),
    dict(path="www.nanjing.gov.cn/zwgk/tzgg/202207/P020220706579841230145.docx",
         title="2022年一次性扩岗补助申领表", heading="南京市一次性扩岗补助申领表",
         intro="（招用毕业年度或离校2年内未就业高校毕业生、登记失业16-24岁青年的企业填报）",
         rows=[("企业名称", ""), ("统一社会信用代码", ""), ("招用人员姓名", ""), ("身份证号码", ""),
               ("劳动合同起止时间", ""), ("失业保险缴费起始月份", ""), ("申请金额（每人不超过1500元）", "")],
         note="经办机构审核意见：　　　　　　　　（盖章）"),
    dict(path="ybj.nanjing.gov.cn/ybfw/bszn/202104/P020210426311205789014.docx",
         title="", heading="南京市医疗保障零星报销申请表",
         intro="",
         rows=[("参保人姓名", ""), ("社会保障卡号", ""), ("就医医院", ""), ("就医类别", "□门诊　□急诊　□住院　□异地就医"),
               ("医疗费用总额（元）", ""), ("未直接结算原因", ""), ("本人银行账户", "")],
         note="提交材料：医疗费用原始票据、费用明细清单、出院记录或门（急）诊病历。"),
]

FIXED = dt.datetime(2022, 1, 1, 9, 0, 0)


def make_pdfs():
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(TTFont("CJK", FONT))
    body = ParagraphStyle("b", fontName="CJK", fontSize=11, leading=18, wordWrap="CJK", firstLineIndent=22)
    head = ParagraphStyle("h", fontName="CJK", fontSize=16, leading=26, alignment=1)
    def mark(text):
        # the CJK font has no Latin glyphs: set ASCII runs (digits, %) in Helvetica
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return re.sub(r"[!-~][ -~]*", lambda m: f'<font name="Helvetica">{m.group(0)}</font>', text)

    for d in PDFS:
        out = SITE / d["path"]
        out.parent.mkdir(parents=True, exist_ok=True)
        kw = dict(pagesize=A4, invariant=1, creator="", producer="")
        # reportlab writes "(anonymous)" when no title is given; an empty one is none
        kw.update(title=d["title"] or "", author=d["author"] or "")
        doc = SimpleDocTemplate(str(out), **kw)
        story = [Paragraph(mark(d["heading"]), head), Spacer(1, 12)]
        story += [Paragraph(mark(p), body) for p in d["paras"]]
        doc.build(story)
        print(out.relative_to(SITE), out.stat().st_size)


def _fix_zip_times(path):
    # python-docx stamps zip entries with the current time; rewrite them with a fixed one
    import zipfile
    with zipfile.ZipFile(path) as z:
        items = [(i.filename, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items:
            z.writestr(zipfile.ZipInfo(name, date_time=FIXED.timetuple()[:6]), data, zipfile.ZIP_DEFLATED)


def make_docxs():
    from docx import Document

    for d in DOCXS:
        out = SITE / d["path"]
        out.parent.mkdir(parents=True, exist_ok=True)
        doc = Document()
        cp = doc.core_properties
        cp.title = d["title"]
        cp.author = ""
        cp.last_modified_by = ""
        cp.comments = ""
        cp.created = cp.modified = FIXED
        doc.add_heading(d["heading"], level=1)
        if d["intro"]:
            doc.add_paragraph(d["intro"])
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for k, v in d["rows"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = k, v
        doc.add_paragraph(d["note"])
        doc.add_paragraph("申请人（单位）签字（盖章）：　　　　　　　　年　　月　　日")
        doc.save(out)
        _fix_zip_times(out)
        print(out.relative_to(SITE), out.stat().st_size)


if __name__ == "__main__":
    make_pdfs()
    make_docxs()
