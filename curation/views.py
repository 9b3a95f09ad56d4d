"""The editors' desk pages beside the model admins: review, publishing, activity, lockout.

Views stay thin: they read through selectors, write through services, and turn
a refused move into a message (state unchanged) or, without the permission, a 403.
"""

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from archive.diffs import word_diff
from archive.models import Document, Translation
from curation import selectors, services
from curation.forms import CommentForm, ReasonForm, ScheduleForm
from curation.scan_import import UnsafeArchive, scans_attach


def _render(request, template: str, context: dict) -> TemplateResponse:
    return TemplateResponse(request, template, {**admin.site.each_context(request), **context})


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


@require_http_methods(["GET"])
def review_queue(request):
    _require(request, "archive.view_translation")
    can_review = request.user.has_perm(services.REVIEW)
    return _render(
        request,
        "curation/review_queue.html",
        {
            "title": _("Translation review"),
            "can_review": can_review,
            "queue": list(selectors.review_queue()) if can_review else [],
            "sent_back": list(selectors.sent_back_to(request.user)),
            "stale_count": Translation.objects.filter(original_changed_at__isnull=False).count(),
        },
    )


def _act(request, record, actions: dict, done: dict) -> None:
    """Run the posted action on `record` through its service; say what happened."""
    action = request.POST.get("action", "")
    if action not in actions:
        messages.error(request, _("Unknown action."))
        return
    try:
        actions[action](record, request.user, request.POST)
    except services.TransitionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done[action])


# Each posted action: (the record, the user, the POST data) -> its service.
REVIEW_ACTIONS = {
    "submit": lambda t, user, data: services.translation_submit(translation=t, user=user),
    "approve": lambda t, user, data: services.translation_approve(
        translation=t, editor=user, comment=data.get("comment", "")
    ),
    "request_changes": lambda t, user, data: services.translation_request_changes(
        translation=t, editor=user, comment=data.get("comment", "")
    ),
    "withdraw": lambda t, user, data: services.translation_withdraw(
        translation=t, editor=user, reason=data.get("reason", "")
    ),
}
# The service move behind each action, whose rules decide which actions the page offers.
REVIEW_MOVES = {
    "submit": "translation_submit",
    "approve": "translation_approve",
    "request_changes": "translation_request_changes",
    "withdraw": "translation_withdraw",
}
REVIEW_DONE = {
    "submit": _("Submitted for review."),
    "approve": _("Approved: readers see this text once the document is published."),
    "request_changes": _("Sent back to the translator with your comment."),
    "withdraw": _("Withdrawn: readers no longer see this translation."),
}


@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    _require(request, "archive.view_translation")
    translation = get_object_or_404(Translation, pk=pk)
    if request.method == "POST":
        _act(request, translation, REVIEW_ACTIONS, REVIEW_DONE)
        return redirect("curation:review", pk=pk)

    translation = selectors.translation_for_review(pk)
    previous = selectors.previous_submission(translation)
    if translation.approved_body:
        baseline, baseline_label = translation.approved_body, _("the approved text readers see")
    elif previous is not None:
        baseline, baseline_label = previous.body, _("the previous submission")
    else:
        baseline, baseline_label = "", _("nothing (first submission)")
    refusals = {
        action: services.move_refusal(move, translation, request.user)
        for action, move in REVIEW_MOVES.items()
    }
    return _render(
        request,
        "curation/review.html",
        {
            "title": _("Review: %(translation)s") % {"translation": translation},
            "translation": translation,
            "document": translation.document,
            "diff": word_diff(baseline, translation.body),
            "baseline_label": baseline_label,
            "entries": selectors.review_entries(translation),
            # Only the actions the services would carry out for this user, now.
            "can": {action: not refusal for action, refusal in refusals.items()},
            "approval_refused": refusals["approve"],
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
        },
    )


def _schedule(document, user, data) -> None:
    form = ScheduleForm(data)
    if not form.is_valid():
        raise services.TransitionError(_("Enter a valid date and time."))
    services.document_schedule(
        document=document, editor=user, publish_at=form.cleaned_data["publish_at"]
    )


PUBLICATION_ACTIONS = {
    "publish": lambda d, user, data: services.document_publish(document=d, editor=user),
    "unpublish": lambda d, user, data: services.document_unpublish(document=d, editor=user),
    "withdraw": lambda d, user, data: services.document_withdraw(
        document=d, editor=user, reason=data.get("reason", "")
    ),
    "schedule": _schedule,
    "unschedule": lambda d, user, data: services.document_unschedule(document=d, editor=user),
}
PUBLICATION_DONE = {
    "publish": _("Published."),
    "unpublish": _("Unpublished: back to draft."),
    "withdraw": _("Withdrawn: the page now shows a tombstone with your reason."),
    "schedule": _("Scheduled."),
    "unschedule": _("Scheduled publication cancelled."),
}


@require_http_methods(["GET", "POST"])
def publication(request, pk: int):
    _require(request, "archive.view_document")
    document = get_object_or_404(Document.objects.select_related("rights_statement"), pk=pk)
    if request.method == "POST":
        _require(request, services.PUBLISH)
        _act(request, document, PUBLICATION_ACTIONS, PUBLICATION_DONE)
        return redirect("curation:publication", pk=pk)

    can_publish = request.user.has_perm(services.PUBLISH)
    return _render(
        request,
        "curation/publication.html",
        {
            "title": _("Publishing: %(document)s") % {"document": document},
            "document": document,
            "missing": services.publication_problems(document),
            "can_publish": can_publish,
            "schedule_form": ScheduleForm(),
            "reason_form": ReasonForm(),
        },
    )


@require_http_methods(["GET"])
def activity(request):
    _require(request, "curation.view_activity")
    return _render(
        request,
        "curation/activity.html",
        {"title": _("Recent activity"), "activity": selectors.recent_activity()},
    )


class ScanZipForm(forms.Form):
    archive = forms.FileField(
        label=_("ZIP of scans"),
        help_text=_(
            "Files named by record ID: 100003.pdf, or 100003-2.jpg for the scan at order 2. "
            "Folders inside the ZIP do not matter."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )


@require_http_methods(["GET", "POST"])
def scans_upload(request):
    """Attach a ZIP of scans by record ID: the same checks as one upload, and a report."""
    _require(request, "archive.add_scan")
    _require(request, "archive.change_scan")  # a file at a taken position replaces it
    form = ScanZipForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["archive"]
        # Read in this request, so a local temporary copy is enough (any app server).
        with tempfile.NamedTemporaryFile(suffix=".zip") as copy:
            for chunk in upload.chunks():
                copy.write(chunk)
            copy.flush()
            try:
                report = scans_attach(source=Path(copy.name), user=request.user, name=upload.name)
            except UnsafeArchive as exc:
                form.add_error("archive", str(exc))
    return _render(
        request,
        "curation/scans_upload.html",
        {"title": _("Attach scans in bulk"), "form": form, "report": report},
    )


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """The page django-axes shows instead of a login once too many have failed.

    In the desk's own frame, saying how long the lock lasts and who can lift it.
    """
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": _("Too many failed logins"),
        "cooloff_minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "registration/locked_out.html", context, status=429)
