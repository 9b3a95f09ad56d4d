"""Import and export in the admin: upload, preview every row, confirm; export any filtered list.

django-import-export's flow, adjusted: the uploaded file waits in default storage (so
any app server can confirm it; `purge_import_files` removes what was never
confirmed), only holders of the import permission see the import, refusals say why,
and the archivist chooses what happens to names that match no authority.
"""

import io
from uuid import uuid4

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from curation.import_files import ImportFileRefused, open_import_file
from curation.import_jobs import (
    ImportJobStateError,
    background_rows,
    import_job_confirm,
    import_job_interrupted,
    import_job_retry,
    import_job_start,
)
from curation.imports import IMPORT_PERMISSION
from curation.models import ImportJob
from curation.resources import FORMATS

# Where import_export.tmp_storages.MediaStorage keeps uploads (purge_import_files empties it).
UPLOAD_FOLDER = "django-import-export"

MISSING_CHOICES = [
    ("report", _("Report them as errors in their rows")),
    ("create", _("Create them (listed in the preview)")),
]


class DeskImportForm(ImportForm):
    missing = forms.ChoiceField(
        label=_("Names that match no record (people, places, topics …)"),
        choices=MISSING_CHOICES,
        initial="report",
        widget=forms.RadioSelect,
    )


class DeskConfirmImportForm(ConfirmImportForm):
    missing = forms.ChoiceField(choices=MISSING_CHOICES, widget=forms.HiddenInput)
    expected = forms.CharField(widget=forms.HiddenInput, required=False)


class DeskImportExportMixin(ImportExportMixin):
    formats = FORMATS
    import_form_class = DeskImportForm
    confirm_form_class = DeskConfirmImportForm
    export_form_class = ExportForm  # every column, so an export re-imports as it is
    import_template_name = "admin/curation/import.html"
    skip_admin_log = True  # the history of each record names the importer and the file
    tmp_storage_class = "import_export.tmp_storages.MediaStorage"

    def get_import_form_class(self, request):
        return DeskImportForm if self.model._meta.model_name == "document" else ImportForm

    def get_confirm_form_class(self, request):
        if self.model._meta.model_name == "document":
            return DeskConfirmImportForm
        return ConfirmImportForm

    def has_import_permission(self, request):
        opts = self.model._meta
        return request.user.has_perm(IMPORT_PERMISSION) and request.user.has_perm(
            f"{opts.app_label}.add_{opts.model_name}"
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        data = getattr(form, "cleaned_data", None) or {}
        resource_kwargs = super().get_import_resource_kwargs(request, **kwargs)
        if self.model._meta.model_name == "document":
            resource_kwargs["create_missing"] = data.get("missing") == "create"
            resource_kwargs["expected"] = data.get("expected", "")
        return resource_kwargs

    def import_action(self, request, **kwargs):
        """A document file above the background limit goes to the task worker (its rows
        counted as they stream from the upload); the admin then shows the job."""
        if request.method == "POST" and self.model._meta.model_name == "document":
            if not self.has_import_permission(request):
                raise PermissionDenied
            form = self.create_import_form(request)
            if form.is_valid():
                job = self._start_background_import(request, form)
                if job is not None:
                    return redirect("admin:archive_document_import_job", job_id=job.pk)
        return super().import_action(request, **kwargs)

    def _start_background_import(self, request, form) -> ImportJob | None:
        upload = form.cleaned_data["import_file"]
        try:
            counted = open_import_file(
                source=_reader_of(upload), size=upload.size, name=upload.name
            )
        except ImportFileRefused:
            return None  # the preview in the request says why
        if counted.height <= background_rows():
            return None
        upload.seek(0)
        stored = default_storage.save(f"{UPLOAD_FOLDER}/{uuid4().hex}", upload)
        return import_job_start(
            user=request.user,
            file_name=upload.name,
            stored_file=stored,
            create_missing=form.cleaned_data.get("missing") == "create",
        )

    def get_urls(self):
        urls = super().get_urls()
        if self.model._meta.model_name != "document":
            return urls
        job_view = self.admin_site.admin_view(self.import_job_view)
        return [
            path("import/jobs/<int:job_id>/", job_view, name="archive_document_import_job"),
            *urls,
        ]

    def import_job_view(self, request, job_id: int):
        """A background import: progress while the worker runs it, then its report and,
        after a clean check, the button that confirms it."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = get_object_or_404(ImportJob, pk=job_id, user=request.user)
        import_job_interrupted(job)
        if request.method == "POST":
            try:
                if job.state == ImportJob.State.INTERRUPTED:
                    import_job_retry(job=job, user=request.user)
                else:
                    import_job_confirm(job=job, user=request.user)
            except ImportJobStateError as error:
                messages.error(request, str(error))
            return redirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import of %(file)s") % {"file": job.file_name},
            "opts": self.model._meta,
            "job": job,
            "report": job.report,
            "import_url": reverse("admin:archive_document_import"),
        }
        return TemplateResponse(request, "admin/curation/import_job.html", context)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None and "missing" in import_form.cleaned_data:
            initial["missing"] = import_form.cleaned_data.get("missing", "report")
            report = getattr(request, "import_report", None)
            initial["expected"] = report.fingerprint() if report else ""
        return initial

    def process_result(self, result, request):
        """After confirm: a report with errors means nothing was written; say so."""
        if result.has_errors() or result.has_validation_errors():
            report = getattr(result, "report", None)
            problems = [str(e) for e in report.errors] if report else [_("Some rows failed.")]
            messages.error(request, " ".join([*problems[:5], str(_("Nothing was imported."))]))
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")
        return super().process_result(result, request)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportFileRefused):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)


def _reader_of(upload):
    """Opens the upload afresh for each pass: a big one is a file on disk, a small one
    (under FILE_UPLOAD_MAX_MEMORY_SIZE) is in memory already."""
    if hasattr(upload, "temporary_file_path"):
        path = upload.temporary_file_path()
        return lambda: open(path, "rb")
    upload.seek(0)
    data = upload.read()
    return lambda: io.BytesIO(data)
