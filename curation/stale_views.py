"""The desk page of translations whose original was corrected after their approval."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from archive.models import Translation
from curation import services, staleness
from curation.views import _render, _require

ACTIONS = {
    "confirm": (services.translation_confirm_current, _("Confirmed: the mark is cleared.")),
    "revise": (
        services.translation_start_revision,
        _("Revision started: the translation is a draft again; readers keep the approved text."),
    ),
}


@require_http_methods(["GET", "POST"])
def stale_translations(request):
    _require(request, "archive.view_translation")
    if request.method == "POST":
        return _settle(request)
    translations = list(staleness.stale_translations())
    return _render(
        request,
        "curation/stale_translations.html",
        {
            "title": _("Translations whose original was corrected"),
            "rows": [(t, staleness.original_changes(t)) for t in translations],
            "can_review": request.user.has_perm(services.REVIEW),
        },
    )


def _settle(request):
    _require(request, services.REVIEW)
    pk = request.POST.get("translation", "")
    translation = get_object_or_404(Translation, pk=int(pk) if pk.isdigit() else 0)
    if request.POST.get("action") not in ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("curation:stale_translations")
    settle, done = ACTIONS[request.POST["action"]]
    try:
        settle(
            translation=translation, editor=request.user, comment=request.POST.get("comment", "")
        )
    except services.TransitionError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("curation:stale_translations")
