"""Forms of the supervision workflow. They only collect input; the rules live in kesu.progress.services,
whose errors the views attach back to the fields here (so the API and the web UI give the same
messages)."""

from __future__ import annotations

from django import forms

from kesu.planning.models import Target
from kesu.progress.models import SelfAssessment
from kesu.progress.selectors import comparator_symbol
from kesu.progress.services import FigureValidationError, counts_things


def figure_field_name(target: Target) -> str:
    return f"figure_{target.pk}"


def note_field_name(target: Target) -> str:
    return f"note_{target.pk}"


class ReportForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    narrative = forms.CharField(
        label="进展情况",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "本期工作进展、主要做法和成效、存在问题及下步打算"}),
    )
    self_assessment = forms.ChoiceField(label="自评", choices=SelfAssessment.choices, initial=SelfAssessment.ON_TRACK)
    confirm_large = forms.BooleanField(label="确认数值无误（完成值远超目标值时需勾选）", required=False)

    def __init__(self, *args, targets: list[Target], autosave_url: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        for target in targets:
            self.fields[figure_field_name(target)] = forms.CharField(
                label=target.subject or target.text,
                required=False,
                # Counts are whole numbers (services refuse 4.4 人次): a phone offers digits only.
                widget=forms.TextInput(attrs={"inputmode": "numeric" if counts_things(target) else "decimal",
                                              "autocomplete": "off"}),
            )
            self.fields[note_field_name(target)] = forms.CharField(label="说明", required=False, max_length=255)
        if autosave_url:
            self._enable_autosave(autosave_url)

    def _enable_autosave(self, url: str) -> None:
        """With HTMX present, every edited field posts the whole form to the autosave endpoint two
        seconds after the last change; without HTMX these attributes are inert. `input` rather than
        `keyup`: Chinese input methods and pasting change the text without a usable key event."""
        attrs = {
            "hx-post": url,
            "hx-trigger": "input changed delay:2s, change",
            "hx-include": "closest form",
            "hx-vals": '{"action": "autosave"}',
            "hx-target": "#autosave-status",
            "hx-swap": "innerHTML",
            "hx-sync": "closest form:replace",
        }
        for name, form_field in self.fields.items():
            if name not in ("revision", "confirm_large"):
                form_field.widget.attrs.update(attrs)

    def figure_rows(self):
        """(target, comparator symbol, figure bound field, note bound field) for the template."""
        return [
            (t, comparator_symbol(t), self[figure_field_name(t)], self[note_field_name(t)]) for t in self.targets
        ]

    def figures(self) -> dict[int, str]:
        return {t.pk: self.cleaned_data.get(figure_field_name(t), "") for t in self.targets}

    def figure_notes(self) -> dict[int, str]:
        return {t.pk: self.cleaned_data.get(note_field_name(t), "") for t in self.targets}

    def attach_figure_errors(self, error: FigureValidationError) -> None:
        by_id = {t.pk: t for t in self.targets}
        for target_id, message in {**error.errors, **error.needs_confirmation}.items():
            target = by_id.get(target_id)
            self.add_error(figure_field_name(target) if target else None, message)
        if error.needs_confirmation:
            self.add_error("confirm_large", "请核对数值后勾选“确认数值无误”")


class ReviewForm(forms.Form):
    # The revision the reviewer read: the service refuses to accept or return content they have not seen.
    revision = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": "页面缺少报告版本号，请刷新页面后再审核", "invalid": "报告版本号无效，请刷新页面后再审核"},
    )
    comment = forms.CharField(
        label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "退回时必填"})
    )


class ReminderForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label="请选择单位")
    task = forms.ModelChoiceField(label="相关任务（可选）", queryset=None, required=False, empty_label="不指定")
    period = forms.ModelChoiceField(label="填报周期（可选）", queryset=None, required=False, empty_label="不指定")
    message = forms.CharField(label="催办内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args, units, tasks, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["task"].queryset = tasks
        self.fields["task"].label_from_instance = lambda t: f"{t.code} {t.title}"
        self.fields["period"].queryset = periods
        self.fields["period"].label_from_instance = lambda p: f"{p.plan.title[:16]}… {p.label}"


class BulkReminderForm(forms.Form):
    message = forms.CharField(label="催办内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    unit_ids = forms.TypedMultipleChoiceField(label="催办单位", coerce=int, choices=())

    def __init__(self, *args, behind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_ids"].choices = [(row.unit.pk, row.unit.name) for row in behind]
        self.fields["unit_ids"].error_messages["required"] = "请至少选择一个单位"
