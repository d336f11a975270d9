from django import forms
from django.utils.translation import gettext_lazy as _

from kaifaqu.core.forms import BootstrapMixin
from kaifaqu.core.models import User
from kaifaqu.core.roles import DepartmentRole, Role

from .models import Department, Membership, ProfileFact


class ProfileFactForm(BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProfileFact
        fields = ["value", "approximate", "as_of", "source"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class GlobalRoleGrantForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.filter(is_active=True))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class MembershipGrantForm(BootstrapMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("User"), queryset=User.objects.filter(is_active=True))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all())
    role = forms.ChoiceField(label=_("Role"), choices=DepartmentRole.choices)


class GlobalRoleRevokeForm(forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.all())
    role = forms.ChoiceField(choices=Role.choices)


class MembershipRevokeForm(forms.Form):
    membership = forms.ModelChoiceField(queryset=Membership.objects.select_related("user"))
