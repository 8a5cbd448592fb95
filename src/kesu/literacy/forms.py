"""Forms of the survey pages: the upload and the design mapping."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kesu.literacy.mapping import DesignMapping
from kesu.literacy.models import LonelyPsu, SourceKind
from kesu.survey.scoring import bundled_questionnaires

NONE_CHOICE = ("", "（无）")


def _questionnaire_choices() -> list[tuple[str, str]]:
    return [("", "（上传自己的评分规则）")] + [(name, f"{name}（内置示例）") for name in sorted(bundled_questionnaires())]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="调查数据（.csv 或 .xlsx，每行一名受访者）",
        error_messages={"empty": "文件是空的（0 字节），请检查后重新上传", "required": "请选择要上传的调查数据文件"},
    )
    source_kind = forms.ChoiceField(
        label="数据类型", choices=SourceKind.choices, initial=SourceKind.SCORED, widget=forms.RadioSelect
    )
    year = forms.IntegerField(label="调查年份", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=120, required=False, help_text="可留空，默认为“某年某地公民科学素质抽样调查”")
    questionnaire = forms.ChoiceField(label="问卷评分规则（原始答卷时）", required=False)
    config_file = forms.FileField(label="或上传评分规则 YAML", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].choices = _questionnaire_choices()
        self.fields["year"].initial = timezone.localdate().year

    def clean(self):
        data = super().clean()
        if data.get("source_kind") == SourceKind.ANSWERS and not data.get("questionnaire") and not data.get("config_file"):
            self.add_error("questionnaire", "原始答卷需要评分规则：请选择内置规则或上传 YAML 文件")
        return data


class MappingForm(forms.Form):
    weight = forms.ChoiceField(label="权数列", required=False)
    strata = forms.ChoiceField(label="分层列", required=False)
    psu = forms.ChoiceField(label="初级抽样单元（村居）列", required=False)
    fpc = forms.ChoiceField(label="有限总体校正列（每层的初级抽样单元总数）", required=False)
    lonely_psu = forms.ChoiceField(label="只有一个初级抽样单元的层", choices=LonelyPsu.choices, initial=LonelyPsu.FAIL)
    region = forms.ChoiceField(label="受访者所在区划代码列", required=False)
    groups = forms.MultipleChoiceField(label="分组列", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, columns: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [NONE_CHOICE] + [(name, name) for name in columns]
        for name in ("weight", "strata", "psu", "fpc", "region"):
            self.fields[name].choices = choices
        self.fields["weight"].choices = [("", "（请选择）"), *choices[1:]]
        self.fields["groups"].choices = choices[1:]

    @classmethod
    def initial_from(cls, mapping: DesignMapping) -> dict:
        return {"weight": mapping.weight, "strata": mapping.strata, "psu": mapping.psu, "fpc": mapping.fpc,
                "lonely_psu": mapping.lonely_psu, "region": mapping.region, "groups": list(mapping.groups)}

    def mapping(self) -> DesignMapping:
        data = self.cleaned_data
        return DesignMapping(
            weight=data["weight"], strata=data["strata"], psu=data["psu"], fpc=data["fpc"],
            lonely_psu=data["lonely_psu"], region=data["region"], groups=tuple(data["groups"]),
        )
