from .backoffice import (
    PolicyAdminDetailView,
    PolicyAdminListView,
    PolicyAttachmentAddView,
    PolicyAttachmentDownloadView,
    PolicyAttachmentRemoveView,
    PolicyCreateView,
    PolicyPublishView,
    PolicyReviseView,
    PolicyUpdateView,
    PolicyWithdrawView,
)
from .public import (
    CarrierDetailView,
    CarrierListView,
    CarrierPhotoView,
    ContactView,
    HomeView,
    IndustriesView,
    PolicyAttachmentView,
    PolicyDetailView,
    PolicyListView,
    TownsView,
)
from .saved import SaveView, UnsaveView

__all__ = [
    "CarrierDetailView", "CarrierListView", "CarrierPhotoView", "ContactView", "HomeView",
    "IndustriesView", "PolicyAdminDetailView", "PolicyAdminListView", "PolicyAttachmentAddView",
    "PolicyAttachmentDownloadView", "PolicyAttachmentRemoveView", "PolicyAttachmentView",
    "PolicyCreateView", "PolicyDetailView", "PolicyListView", "PolicyPublishView",
    "PolicyReviseView", "PolicyUpdateView", "PolicyWithdrawView", "SaveView", "TownsView",
    "UnsaveView",
]  # fmt: skip
