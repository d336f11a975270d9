from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from kaifaqu.core import access, selectors


class IsStaff(BasePermission):
    """Signed-in staff accounts, not the public's (the API's schema and documentation)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated) and not selectors.is_public_account(user)


class ReadsBusiness(BasePermission):
    """Leaders, zone administrators and department members; not the three administrators."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return access.reads_business(request.user)


class DepartmentScoped(ReadsBusiness):
    """Objects owned by a department: members read, editors change, as in the UI."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or access.changes_some_business(request.user)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return access.can_read_department(request.user, obj.department_id)
        return access.can_change_department(request.user, obj.department_id)


class ChangesOrgTree(ReadsBusiness):
    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or access.has_role(request.user, "zone_admin")
