"""One form per workflow action on the message page.

Each form carries the `version` of the message it was opened on, and `run(user)` calls
the action's write path with the cleaned input. Forms know the input; the write paths
decide whether the action may happen.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from cms import regiontime
from cms.kernel.plugins import hooks_for
from cms.models import (
    Attachment,
    AttachmentKind,
    Category,
    Organisation,
    Role,
    Subcategory,
)
from cms.permissions.grants import role_holders
from cms.submission.region_cache import region_cached
from cms.workflow import actions
from cms.workflow.files import MAX_ANSWER_FILES, check_answer_file
from cms.workflow.reasons import REWORK_REASONS, find_reason, rejection_reasons
from cms.workflow.table import Action

from .widgets import QuickSelect

TEXTAREA = forms.Textarea(attrs={"rows": 3})


# Every free-text field says who will read it (issue 11): staff only, or the citizen too.
STAFF_ONLY = _("Only staff will see this.")
CITIZEN_READS = _("The citizen will see this.")


class ActionForm(forms.Form):
    """Base of the action forms: `appeal` is the message as the page showed it."""

    action: Action
    submit_label = _("Save")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, appeal, **kwargs):
        self.appeal = appeal
        kwargs.setdefault("prefix", self.action.value)
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", appeal.version)
        super().__init__(*args, **kwargs)

    @property
    def title(self):
        return self.action.label

    def run(self, user):
        raise NotImplementedError


def offer_remembered(field, appeal, name: str, compute, leave_out=None) -> None:
    """Write the field's options from the region's memory (kept per process until the
    region's reference data changes), leaving out `leave_out`; a posted choice is still
    checked against the field's queryset."""
    options = region_cached(appeal.region, name, lambda: [
        (obj.pk, field.label_from_instance(obj)) for obj in compute()])
    offered = [(pk, label) for pk, label in options if pk != leave_out]
    field.choices = ([("", field.empty_label)] if field.empty_label is not None else []) + offered


def offer_organisations(field, appeal, exclude_current=True) -> None:
    field.queryset = region_organisations(appeal, exclude_current)
    offer_remembered(field, appeal, "staff-form-organisations",
                     lambda: region_organisations(appeal, exclude_current=False),
                     leave_out=appeal.organisation_id if exclude_current else None)


def region_organisations(appeal, exclude_current=True):
    organisations = Organisation.objects.filter(region_id=appeal.region_id).order_by("name")
    if exclude_current:
        organisations = organisations.exclude(pk=appeal.organisation_id)
    return organisations


class PassOnForm(ActionForm):
    action = Action.PASS_ON
    submit_label = _("Pass on")
    note = forms.CharField(label=_("Note for the organisation"), required=False,
                           help_text=STAFF_ONLY,
                           widget=TEXTAREA)

    def run(self, user):
        return actions.do_pass_on_appeal(self.appeal.pk, user, self.cleaned_data["note"],
                                         version=self.cleaned_data["version"])


def grouped_subcategories(field, appeal):
    """The subcategory choices grouped by category (a long flat list is unusable),
    remembered per region version (a category or subcategory saved bumps every region's)
    and language (their names follow it); a posted choice is still checked against the
    field's queryset."""
    def read():
        return [(f"{category.code} {category}",
                 [(sub.pk, f"{sub.code} {sub}") for sub in category.subcategories.all()])
                for category in Category.objects.prefetch_related("subcategories")]

    groups = region_cached(appeal.region, f"staff-form-subcategories-{get_language()}", read)
    field.choices = [("", "---------"), *groups]


class ChangeCategoryForm(ActionForm):
    action = Action.CHANGE_CATEGORY
    subcategory = forms.ModelChoiceField(label=_("New subcategory"), queryset=None,
                                         widget=QuickSelect)
    organisation = forms.ModelChoiceField(
        label=_("Addressee"), queryset=None, required=False, widget=QuickSelect,
        empty_label=_("As the routing suggests for the new category"))
    reason = forms.CharField(label=_("Why"), required=False, widget=TEXTAREA,
                             help_text=STAFF_ONLY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subcategory"].queryset = Subcategory.objects.select_related("category")
        grouped_subcategories(self.fields["subcategory"], self.appeal)
        offer_organisations(self.fields["organisation"], self.appeal, exclude_current=False)

    def run(self, user):
        data = self.cleaned_data
        return actions.do_change_category(self.appeal.pk, user, data["subcategory"],
                                          data["organisation"], data["reason"],
                                          version=data["version"])


class ChangeOrganisationForm(ActionForm):
    action = Action.CHANGE_ORGANISATION
    organisation = forms.ModelChoiceField(label=_("New addressee"), queryset=None,
                                          widget=QuickSelect)
    reason = forms.CharField(label=_("Why"), required=False, widget=TEXTAREA,
                             help_text=STAFF_ONLY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_organisations(self.fields["organisation"], self.appeal)

    def run(self, user):
        data = self.cleaned_data
        return actions.do_change_organisation(self.appeal.pk, user, data["organisation"],
                                              data["reason"], version=data["version"])


class ReasonFromListForm(ActionForm):
    """A reason picked from a list, with details (and a message number if it asks one)."""

    reason = forms.ChoiceField(label=_("Reason"), widget=QuickSelect)
    reference = forms.CharField(label=_("Number of the other message"), required=False,
                                max_length=32)
    details = forms.CharField(label=_("Details"), required=False, widget=TEXTAREA)
    # Who reads the reason and its details: the citizen on a rejection, staff otherwise.
    readers = STAFF_ONLY

    def reason_choices(self):
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = self.reason_choices()
        self.fields["reason"].choices = [(c.key, c.label) for c in self.choices]
        self.fields["details"].help_text = self.readers
        if not any(choice.needs_reference for choice in self.choices):
            del self.fields["reference"]

    def clean(self):
        data = super().clean()
        choice = find_reason(self.choices, data.get("reason", ""))
        if choice is None:
            return data
        text = str(choice.label)
        reference = (data.get("reference") or "").strip()
        if choice.needs_reference:
            if not reference:
                self.add_error("reference", _("Give the number of the other message."))
                return data
            text += f": № {reference}"
        if data.get("details", "").strip():
            text += f". {data['details'].strip()}"
        data["reason_text"] = text
        return data


class RejectForm(ReasonFromListForm):
    action = Action.REJECT
    readers = CITIZEN_READS
    submit_label = _("Reject")

    def reason_choices(self):
        # Per region version: a reason saved or deleted bumps its region's
        # (cms.submission.region_cache.connect).
        region = self.appeal.region
        return region_cached(region, "staff-form-rejection-reasons",
                             lambda: rejection_reasons(region))

    def run(self, user):
        data = self.cleaned_data
        return actions.do_reject_appeal(self.appeal.pk, user, data["reason_text"],
                                        data["reason"], version=data["version"])


class AskCitizenForm(ActionForm):
    action = Action.ASK_CITIZEN
    submit_label = _("Ask")
    question = forms.CharField(label=_("Question to the citizen"), widget=TEXTAREA,
                               help_text=CITIZEN_READS)

    def run(self, user):
        return actions.do_ask_clarification(self.appeal.pk, user,
                                            self.cleaned_data["question"],
                                            version=self.cleaned_data["version"])


class ExecutorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class AssignExecutorForm(ActionForm):
    action = Action.ASSIGN_EXECUTOR
    submit_label = _("Assign")
    executor = ExecutorChoiceField(label=_("Executor"), queryset=None, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = self.appeal.organisation
        executors = role_holders(Role.EXECUTOR, organisation=organisation)
        if self.appeal.executor_id:
            executors = executors.exclude(pk=self.appeal.executor_id)
        self.fields["executor"].queryset = executors
        offer_remembered(self.fields["executor"], self.appeal,
                         f"staff-form-executors-{organisation.pk}",
                         lambda: role_holders(Role.EXECUTOR, organisation=organisation),
                         leave_out=self.appeal.executor_id)

    def run(self, user):
        return actions.do_assign_executor(self.appeal.pk, user,
                                          self.cleaned_data["executor"],
                                          version=self.cleaned_data["version"])


class RedirectForm(ActionForm):
    action = Action.REDIRECT
    submit_label = _("Redirect")
    organisation = forms.ModelChoiceField(label=_("Competent organisation"), queryset=None,
                                          widget=QuickSelect)
    reason = forms.CharField(label=_("Why it is not ours"), widget=TEXTAREA,
                             help_text=STAFF_ONLY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_organisations(self.fields["organisation"], self.appeal)

    def run(self, user):
        data = self.cleaned_data
        return actions.do_redirect_appeal(self.appeal.pk, user, data["organisation"],
                                          data["reason"], version=data["version"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_ANSWER_FILES:
            raise forms.ValidationError(ngettext("At most %(count)s file.", "At most %(count)s files.",
                                                 MAX_ANSWER_FILES),
                                        params={"count": MAX_ANSWER_FILES})
        for upload in files:
            check_answer_file(upload)
        return files


class SubmitAnswerForm(ActionForm):
    action = Action.SUBMIT_ANSWER
    submit_label = _("Send for approval")
    text = forms.CharField(label=_("Answer to the citizen"),
                           widget=forms.Textarea(attrs={"rows": 8}), help_text=CITIZEN_READS)
    files = MultipleFileField(label=_("Files"), required=False,
                              help_text=_("Photos, PDF or office documents, up to 10 MB each."))
    keep_files = forms.MultipleChoiceField(label=_("Keep the files of the returned draft"),
                                           required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        returned = actions.latest_returned_answer(self.appeal)
        if returned is not None:
            self.fields["text"].initial = returned.text
            earlier = Attachment.objects.filter(answer=returned, kind=AttachmentKind.ANSWER)
            self.fields["keep_files"].choices = [(f.pk, f.original_name) for f in earlier]
            self.fields["keep_files"].initial = [f.pk for f in earlier]
        if not self.fields["keep_files"].choices:
            del self.fields["keep_files"]

    def run(self, user):
        data = self.cleaned_data
        return actions.do_submit_answer(self.appeal.pk, user, data["text"], data["files"],
                                        [int(pk) for pk in data.get("keep_files", [])],
                                        version=data["version"])


class PostponementForm(ActionForm):
    action = Action.PROPOSE_POSTPONEMENT
    submit_label = _("Send for approval")
    reasons = forms.CharField(label=_("Reasons"), widget=TEXTAREA,
                              help_text=CITIZEN_READS)
    until = forms.DateField(label=_("New date"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def clean_until(self):
        # The typed date is the last day of the postponement: the end of that day on the
        # region's clock, so every page shows the date the executor typed. On the last
        # day the law allows, the limit's own moment (same date) keeps it within the limit.
        day = self.cleaned_data["until"]
        until = regiontime.end_of_day(day, self.appeal)
        limit = hooks_for(self.appeal.region).postponement_limit(
            appeal=self.appeal, now=timezone.now())
        if limit is not None and regiontime.local(limit, self.appeal).date() == day:
            until = min(until, limit)
        return until

    def run(self, user):
        data = self.cleaned_data
        return actions.do_propose_postponement(self.appeal.pk, user, data["reasons"],
                                               data["until"], version=data["version"])


class ApproveAnswerForm(ActionForm):
    action = Action.APPROVE_ANSWER
    submit_label = _("Approve and send to the citizen")

    def run(self, user):
        return actions.do_approve_answer(self.appeal.pk, user,
                                         version=self.cleaned_data["version"])


class ApprovePostponementForm(ActionForm):
    action = Action.APPROVE_POSTPONEMENT
    submit_label = _("Approve the postponement")

    def run(self, user):
        return actions.do_approve_postponement(self.appeal.pk, user,
                                               version=self.cleaned_data["version"])


class ReturnToExecutorForm(ActionForm):
    action = Action.RETURN_TO_EXECUTOR
    submit_label = _("Return")
    remarks = forms.CharField(label=_("Remarks"), widget=TEXTAREA, help_text=STAFF_ONLY)

    def run(self, user):
        return actions.do_return_to_executor(self.appeal.pk, user,
                                             self.cleaned_data["remarks"],
                                             version=self.cleaned_data["version"])


class ResumeForm(ActionForm):
    action = Action.RESUME
    submit_label = _("Resume work now")

    def run(self, user):
        return actions.do_resume_appeal(self.appeal.pk, user,
                                        version=self.cleaned_data["version"])


class ReturnForReworkForm(ReasonFromListForm):
    action = Action.RETURN_FOR_REWORK
    submit_label = _("Return for rework")

    def reason_choices(self):
        return list(REWORK_REASONS)

    def run(self, user):
        data = self.cleaned_data
        return actions.do_return_for_rework(self.appeal.pk, user, data["reason_text"],
                                            data["reason"], version=data["version"])


class ReopenForm(ActionForm):
    action = Action.REOPEN
    submit_label = _("Reopen")
    reason = forms.CharField(label=_("Why"), widget=TEXTAREA, help_text=CITIZEN_READS)

    def run(self, user):
        return actions.do_reopen_appeal(self.appeal.pk, user, self.cleaned_data["reason"],
                                        version=self.cleaned_data["version"])


class CloseForm(ActionForm):
    action = Action.CLOSE
    submit_label = _("Close")

    def run(self, user):
        return actions.do_close_appeal(self.appeal.pk, user,
                                       version=self.cleaned_data["version"])


class CommentForm(ActionForm):
    action = Action.COMMENT
    submit_label = _("Add the comment")
    text = forms.CharField(label=_("Internal comment (never shown to the citizen)"),
                           widget=TEXTAREA, help_text=STAFF_ONLY)

    def run(self, user):
        return actions.do_add_comment(self.appeal.pk, user, self.cleaned_data["text"])


FORMS: dict[Action, type[ActionForm]] = {
    form.action: form for form in (
        PassOnForm, ChangeCategoryForm, ChangeOrganisationForm, RejectForm, AskCitizenForm,
        AssignExecutorForm, RedirectForm, SubmitAnswerForm, PostponementForm,
        ApproveAnswerForm, ApprovePostponementForm, ReturnToExecutorForm, ResumeForm,
        ReturnForReworkForm, ReopenForm, CloseForm, CommentForm,
    )
}
