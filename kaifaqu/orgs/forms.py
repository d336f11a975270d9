from typing import Any, cast

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import BootstrapMixin
from kaifaqu.core.models import User
from kaifaqu.core.roles import DepartmentRole, Role

from .models import Department, Membership, ProfileFact
from .selectors import departments_edited_by, staff_accounts


def keeper_choice(
    form: forms.BaseForm, user: User | AnonymousUser, *, default_code: str = ""
) -> None:
    """Let a form pick which department keeps a new record: one the user edits, preselecting
    ``default_code`` (e.g. the 招商局 for carriers and policies) when the user may pick it."""
    choices = departments_edited_by(user)
    # A form that has a department field has it as the model's foreign key: a model choice.
    field = cast("forms.ModelChoiceField[Department] | None", form.fields.get("department"))
    if field is None:
        field = form.fields["department"] = forms.ModelChoiceField(
            label=_("Department"), queryset=choices
        )
    field.queryset = choices
    field.empty_label = None
    field.widget.attrs.setdefault("class", "form-select")
    if default_code:
        keeper = choices.filter(code=default_code).first()
        if keeper is not None:
            form.initial.setdefault("department", keeper.pk)


class ProfileFactForm(BootstrapMixin, forms.ModelForm[ProfileFact]):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProfileFact
        fields = ["value", "approximate", "as_of", "source"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class StaffChoiceMixin:
    """The user to grant a role to is chosen among the staff's accounts only."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["user"]).queryset = staff_accounts()


class GlobalRoleGrantForm(StaffChoiceMixin, BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MembershipGrantForm(StaffChoiceMixin, BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.none())
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    role = forms.ChoiceField(label=_("Role"), choices=DepartmentRole.choices)


class GlobalRoleRevokeForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.all())
    role = forms.ChoiceField(choices=Role.choices)


class MembershipRevokeForm(forms.Form):
    membership = forms.ModelChoiceField(queryset=Membership.objects.select_related("user"))
