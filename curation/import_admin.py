"""Import and export in the admin: upload, preview every row, confirm; export any filtered list.

django-import-export's flow, adjusted: the uploaded file waits in default storage (so
any app server can confirm it; `purge_import_files` removes what was never
confirmed), only holders of the import permission see the import, refusals say why,
and the archivist chooses what happens to names that match no authority.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from curation.import_files import ImportFileRefused
from curation.imports import IMPORT_PERMISSION
from curation.resources import FORMATS

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
