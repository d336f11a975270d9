from django import forms
from django.utils.translation import gettext_lazy as _

from .workbook import columns
from .workbook.reader import too_large_message


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "form-control",
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > columns.MAX_FILE_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload
