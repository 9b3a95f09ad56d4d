"""Permalinks of approved translation versions: the text as approved, its citation, and what
changed since the version before it."""

import functools

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from archive import version_selectors
from archive.citations import Citation, CitedVersion, json_ld_script
from archive.diffs import word_diff
from archive.models import Document, TranslationVersion
from archive.models.versions import version_url
from archive.selectors import DocumentRecord

CITATION_FORMATS = {
    # extension: (content type, Citation method); as the document's citation downloads
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "bib": ("application/x-bibtex; charset=utf-8", "bibtex"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "csl_json"),
}


def cited_version(request, version: TranslationVersion, record_id: int) -> CitedVersion:
    return CitedVersion(
        language=version.language.name,
        number=version.number,
        approved_on=timezone.localdate(version.approved_at),
        url=request.build_absolute_uri(
            version_url(record_id, version.language.code, version.number)
        ),
        credit=version.credit,
    )


def current_versions(request, record: DocumentRecord) -> tuple[CitedVersion, ...]:
    """The version of each translation the document page shows (its latest current one)."""
    record_id = record.document.record_id
    return tuple(
        cited_version(request, translation.public_versions[-1], record_id)
        for translation in record.translations
        if getattr(translation, "public_versions", None)
    )


def _citation(request, page: version_selectors.VersionPage) -> Citation:
    version = cited_version(request, page.version, page.record.document.record_id)
    return Citation(
        record=page.record,
        permalink=version.url,
        archive_name=settings.DOSSIER_ARCHIVE_NAME,
        versions=(version,),
    )


def _canonical(view):
    """`v01` or a record ID of `007` would name the same version as `v1` and `7`: redirect
    such spellings permanently to the one URL the pages link and citations cite."""

    @functools.wraps(view)
    def answer(request, **kwargs):
        match = request.resolver_match
        canonical = reverse(match.view_name, kwargs=kwargs)
        if request.path != canonical:
            query = request.META.get("QUERY_STRING", "")
            return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
        return view(request, **kwargs)

    return answer


def _page_or_404(record_id: int, language: str, number: int, **options):
    page = version_selectors.version_page(record_id, language, number, **options)
    if page is None:
        raise Http404("This document has no such translation version.")
    return page


def _gone(request, page: version_selectors.VersionPage, citation: Citation):
    """A withdrawn version, or a version of a withdrawn document: 410 with its citation and
    the reason, so earlier work citing it can still be traced."""
    document = page.record.document
    if page.version.is_withdrawn:
        withdrawn_at, reason = page.version.withdrawn_at, page.version.withdrawal_reason
    else:
        withdrawn_at, reason = document.withdrawn_at, document.withdrawal_reason
    return render(
        request,
        "archive/translation_version_withdrawn.html",
        {
            "document": document,
            "version": page.version,
            "citation": citation,
            "withdrawn_at": withdrawn_at,
            "reason": reason,
        },
        status=410,
    )


def _is_gone(page: version_selectors.VersionPage) -> bool:
    return page.version.is_withdrawn or page.record.document.status != Document.Status.PUBLISHED


@require_safe
@_canonical
def translation_version(request, record_id: int, language: str, number: int):
    page = _page_or_404(record_id, language, number)
    citation = _citation(request, page)
    if _is_gone(page):
        return _gone(request, page, citation)
    document = page.record.document
    return render(
        request,
        "archive/translation_version.html",
        {
            "record": page.record,
            "document": document,
            "page": page,
            "version": page.version,
            "citation": citation,
            "meta_tags": citation.meta_tags(),
            "json_ld": json_ld_script(citation.json_ld(page_url=citation.permalink)),
        },
    )


@require_safe
@_canonical
def translation_version_changes(request, record_id: int, language: str, number: int):
    """What this version changed in the text of the version before it, word by word."""
    page = _page_or_404(record_id, language, number, with_translators=False)
    citation = _citation(request, page)
    if _is_gone(page):
        return _gone(request, page, citation)
    previous = version_selectors.previous_version(page)
    return render(
        request,
        "archive/translation_version_changes.html",
        {
            "document": page.record.document,
            "page": page,
            "version": page.version,
            "previous": previous,
            "diff": word_diff(previous.body if previous else "", page.version.body),
        },
    )


@require_safe
@_canonical
def translation_version_citation(request, record_id: int, language: str, number: int, fmt: str):
    if fmt not in CITATION_FORMATS:
        raise Http404("Citations come as .ris, .bib or .json.")
    page = _page_or_404(record_id, language, number)
    if _is_gone(page):
        raise Http404("Withdrawn versions have no citation downloads.")
    content_type, method = CITATION_FORMATS[fmt]
    citation = _citation(request, page)
    response = HttpResponse(getattr(citation, method)(), content_type=content_type)
    filename = f"{citation.filename}-{page.version.language.code}-v{page.version.number}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
