"""Forms of the library pages; the services validate again and name the field of any refusal."""

from __future__ import annotations

from django import forms

from kesu.content.models import Audience, ContentKind, ContentSource, Licence, Topic, Verdict
from kesu.content.models.library import BROADCAST_MAX_CHARS
from kesu.org.models import Unit

MONTHS = [("", "—")] + [(str(month), f"{month}月") for month in range(1, 13)]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ContentKind.choices)
    title = forms.CharField(label="标题", max_length=120)
    summary = forms.CharField(label="摘要", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    body_html = forms.CharField(
        label="正文", required=False,
        widget=forms.Textarea(attrs={"rows": 14, "class": "rich-source", "data-editor": "content"}),
        help_text="可用标题、加粗、列表、引用和链接；脚本和样式会被去掉。",
    )
    upload = forms.FileField(label="文件", required=False,
                             help_text="图片、海报、视频、音频须上传文件；图文可附图片或 PDF。按文件内容识别格式。")
    topics = forms.ModelMultipleChoiceField(label="主题", queryset=Topic.objects.all(), to_field_name="code",
                                            widget=forms.CheckboxSelectMultiple)
    audiences = forms.ModelMultipleChoiceField(label="受众", queryset=Audience.objects.all(), to_field_name="code",
                                               required=False, widget=forms.CheckboxSelectMultiple)
    source = forms.ChoiceField(label="来源", choices=ContentSource.choices)
    source_unit = forms.ModelChoiceField(label="提供单位", queryset=Unit.objects.none(), required=False)
    source_name = forms.CharField(label="资源名称或出处", max_length=128, required=False)
    source_url = forms.CharField(label="资源地址", max_length=500, required=False)
    licence = forms.ChoiceField(label="授权方式", choices=Licence.choices)
    valid_from = forms.DateField(label="生效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(label="失效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    season_start_month = forms.TypedChoiceField(label="适用起始月", choices=MONTHS, coerce=int, empty_value=None,
                                                required=False)
    season_end_month = forms.TypedChoiceField(label="适用截止月", choices=MONTHS, coerce=int, empty_value=None,
                                              required=False)
    broadcast_text = forms.CharField(
        label="广播/短信文本", required=False, widget=forms.Textarea(attrs={"rows": 2, "data-max-chars": BROADCAST_MAX_CHARS}),
        help_text=f"不超过 {BROADCAST_MAX_CHARS} 个字，用于应急广播和短信。",
    )
    note = forms.CharField(label="修改说明", max_length=200, required=False)

    def __init__(self, *args, units=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_unit"].queryset = units if units is not None else Unit.objects.none()
        if editing:
            # The kind is fixed once an item exists: its versions' files were checked against it.
            self.fields["kind"].disabled = True
        else:
            del self.fields["note"]


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label="审查结论", widget=forms.RadioSelect,
        choices=[(v, label) for v, label in Verdict.choices if v != Verdict.PENDING],
    )
    comments = forms.CharField(label="审查意见", required=False, widget=forms.Textarea(attrs={"rows": 5}),
                               help_text="结论为“修改后再审”或“不通过”时必填，请指出具体问题。")


class PolicyForm(forms.Form):
    reviewers = forms.IntegerField(label="一般内容审查专家数", min_value=1, max_value=5)
    medical_reviewers = forms.IntegerField(label="医疗卫生类审查专家数", min_value=1, max_value=5)
    review_days = forms.IntegerField(label="审查期限（天）", min_value=1, max_value=60)
    fast_track_hours = forms.IntegerField(label="应急快审时限（小时）", min_value=1, max_value=72)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="撤下原因", max_length=300)
