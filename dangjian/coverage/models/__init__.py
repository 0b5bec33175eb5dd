"""Coverage of firms, social organizations and office buildings (两新组织、楼宇党建), affair admission
(社区事务准入) and weekday themes (主题工作法)."""
from .admission import AdmissionLink, AdmissionProcedure, AdmissionReview, AffairAdmission
from .buildings import AssociationEvent, Building, DeskService, ServiceDesk
from .firms import Assignment, ContactLog, Firm, FirmSurvey, JointUnit
from .themes import ThemeLog, ThemePlan, ThemeTask, WeekdayTheme

__all__ = [
    "AdmissionLink", "AdmissionProcedure", "AdmissionReview", "AffairAdmission", "Assignment", "AssociationEvent",
    "Building", "ContactLog", "DeskService", "Firm", "FirmSurvey", "JointUnit", "ServiceDesk", "ThemeLog",
    "ThemePlan", "ThemeTask", "WeekdayTheme",
]
