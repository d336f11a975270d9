"""The consultation pages: public (the form, signing in), the personal space, the back office."""

from .backoffice import (
    CloseView,
    ContactRevealView,
    ConvertView,
    DetailView,
    HotlineView,
    InboxView,
    ReassignView,
    ReplyView,
    RoutesView,
    StaffFileView,
)
from .public import AskedView, AskView, SignInRequestView, SignInView
from .space import (
    SpaceConsultationView,
    SpaceContactView,
    SpaceDeleteView,
    SpaceFileView,
    SpaceSignOutView,
    SpaceView,
)

__all__ = [
    "AskView",
    "AskedView",
    "CloseView",
    "ContactRevealView",
    "ConvertView",
    "DetailView",
    "HotlineView",
    "InboxView",
    "ReassignView",
    "ReplyView",
    "RoutesView",
    "SignInRequestView",
    "SignInView",
    "SpaceConsultationView",
    "SpaceContactView",
    "SpaceDeleteView",
    "SpaceFileView",
    "SpaceSignOutView",
    "SpaceView",
    "StaffFileView",
]
