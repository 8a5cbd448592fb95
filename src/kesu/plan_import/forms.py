"""The forms of the plan-import pages: upload, the draft's task and target corrections and additions,
confirmation."""

from __future__ import annotations

from django import forms

from kesu.org.models import Unit
from kesu.plan_import.reading import ALLOWED_SUFFIXES
from kesu.plans.attainment import Kind
from kesu.plans.notation import COMPARATOR_CHOICES
from kesu.progress.models import PeriodKind

KIND_CHOICES = [(kind.value, kind.label) for kind in Kind]


class PlanUploadForm(forms.Form):
    region = forms.ModelChoiceField(label="方案所属地区", queryset=None)
    file = forms.FileField(
        label="方案文件", help_text="支持 " + "、".join(ALLOWED_SUFFIXES) + "，不超过 20 MB"
    )

    def __init__(self, *args, regions, home=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        # An office administers its towns too, but its plans are mostly its own region's.
        if home is not None and regions.filter(pk=home.pk).exists():
            self.fields["region"].initial = home.pk
        elif regions.count() == 1:
            self.fields["region"].initial = regions.first()


class ConfirmForm(forms.Form):
    period_kind = forms.ChoiceField(label="填报周期", choices=PeriodKind.choices, initial=PeriodKind.HALF_YEARLY)
    before_issue = forms.BooleanField(
        label="方案印发前的年份也生成填报周期", required=False,
        help_text="默认从方案印发日期所在的周期开始；各单位确需补报印发前年份的进展时才勾选",
    )


class TaskEditForm(forms.Form):
    title = forms.CharField(label="任务标题", max_length=255)
    text = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    lead_units = forms.CharField(label="牵头单位", required=False, help_text="多个单位用顿号分隔")
    participating_units = forms.CharField(label="参与单位", required=False, help_text="多个单位用顿号分隔")


class MetadataForm(forms.Form):
    """The plan's particulars as typed; `metadata.clean_metadata` (through the service) checks them,
    so that the form, the API and the CLI give the same messages."""

    title = forms.CharField(label="标题", error_messages={"required": "标题不能为空"},
                            widget=forms.TextInput(attrs={"size": 60}))
    doc_number = forms.CharField(label="文号", required=False, help_text="如 乳政发〔2022〕6号；没有文号的留空")
    issuer = forms.CharField(label="印发机关", required=False, help_text="如 乳山市人民政府办公室")
    date = forms.CharField(label="印发日期", required=False, help_text="按“年-月-日”填写，如 2022-07-12",
                           widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    region = forms.CharField(label="文件写明的地区", required=False,
                             help_text="文件中写的地区名称；方案归属的地区是上传时所选的地区，不在此更改")
    # Laid out as one sentence (自 … 年至 … 年; 到 … 年…达到 … %): the aria-label names each box.
    period_start = forms.CharField(label="实施期起始年", required=False,
                                   widget=forms.TextInput(attrs={"aria-label": "实施期起始年", "inputmode": "numeric"}))
    period_end = forms.CharField(label="实施期结束年", required=False,
                                 widget=forms.TextInput(attrs={"aria-label": "实施期结束年", "inputmode": "numeric"}))
    headline_year = forms.CharField(label="总体目标年份", required=False,
                                    widget=forms.TextInput(attrs={"aria-label": "总体目标年份", "inputmode": "numeric"}))
    headline_value = forms.CharField(
        label="总体目标比例", required=False,
        widget=forms.TextInput(attrs={"aria-label": "总体目标：公民具备科学素质的比例（%）", "inputmode": "decimal"}),
    )


class TaskAddForm(forms.Form):
    """A task the parser missed. Units are picked from the region's units, never typed."""

    code = forms.CharField(label="任务编号", max_length=32, help_text="如 3.2.5，在本方案中不能重复")
    title = forms.CharField(label="任务标题", max_length=255)
    text = forms.CharField(label="任务内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    section = forms.ChoiceField(label="所属章节", required=False)
    lead_units = forms.ModelMultipleChoiceField(
        label="牵头单位", queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "至少选择一个牵头单位"},
    )
    participating_units = forms.ModelMultipleChoiceField(
        label="参与单位", queryset=Unit.objects.none(), widget=forms.CheckboxSelectMultiple, required=False,
    )

    def __init__(self, *args, region, sections, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(region=region, is_active=True).order_by("name")
        self.fields["lead_units"].queryset = units
        self.fields["participating_units"].queryset = units
        self.fields["section"].choices = [("", "（不属于任何章节，排在最后）"), *sections]


class TargetForm(forms.Form):
    """A target's value, comparator, unit, deadline and kind: used to correct one and to add one."""

    value = forms.DecimalField(
        label="目标值", max_digits=16, decimal_places=4,
        error_messages={"invalid": "目标值应为数字", "required": "请填写目标值"},
    )
    comparator = forms.ChoiceField(label="比较", choices=COMPARATOR_CHOICES, initial=">=")
    unit = forms.CharField(label="计量单位", max_length=16, error_messages={"required": "请填写计量单位"})
    deadline_year = forms.IntegerField(
        label="时限年", min_value=2000, max_value=2100, required=False,
        error_messages={"invalid": "时限年应为四位年份"},
    )
    kind = forms.ChoiceField(
        label="目标类型", choices=KIND_CHOICES, initial=Kind.CUMULATIVE,
        help_text="每年：每一年都要达到；累计：实施期内合计；达到：某一水平或比例；不超过：上限",
    )

    def clean_value(self):
        return str(self.cleaned_data["value"])

    def clean_deadline_year(self):
        year = self.cleaned_data["deadline_year"]
        return "" if year is None else str(year)


class TargetEditForm(TargetForm):
    delete = forms.BooleanField(label="删除此目标", required=False)


class TargetAddForm(TargetForm):
    text = forms.CharField(
        label="原文", max_length=255, required=False, help_text="方案中写这个目标的句子，如“每年举办科普讲座不少于20场”",
    )
    period = forms.CharField(label="期间", max_length=32, required=False, help_text="如 每年、“十五五”期间")


class TargetKindForm(forms.Form):
    kind = forms.ChoiceField(label="目标类型", choices=KIND_CHOICES)
