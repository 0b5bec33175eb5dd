from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class MemberStatus(models.TextChoices):
    """Standing of a member; after the first four come the ways membership ends (出党), and a
    transfer out of the platform's area (转出), which ends the record here but not membership."""

    PROBATIONARY = "probationary", _("Probationary member")
    FULL = "full", _("Full member")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    SUSPENDED = "suspended", _("Membership suspended")
    DIED = "died", _("Died")
    RESIGNED = "resigned", _("Resigned")
    LAPSED = "lapsed", _("Left of own accord")
    REMOVED = "removed", _("Removed from the roll")
    EXPELLED = "expelled", _("Expelled")
    PROBATION_CANCELLED = "probation_cancelled", _("Probation cancelled")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")


# Statuses of members still on the roster.
ON_ROLL = (MemberStatus.PROBATIONARY, MemberStatus.FULL, MemberStatus.LOST_CONTACT, MemberStatus.SUSPENDED)


class Category(models.TextChoices):
    """Statistical category (党员类别); dues use a separate basis."""

    EMPLOYED = "employed", _("Employed")
    RETIRED = "retired", _("Retired")
    UNEMPLOYED = "unemployed", _("Unemployed")
    STUDENT = "student", _("Student")
    FARMER = "farmer", _("Farmer or herder")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    OTHER = "other", _("Other")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("Postgraduate")
    UNDERGRADUATE = "undergraduate", _("University")
    COLLEGE = "college", _("Junior college")
    SECONDARY = "secondary", _("Senior secondary")
    JUNIOR = "junior", _("Junior secondary")
    PRIMARY = "primary", _("Primary or below")


class Ethnicity(models.TextChoices):
    """The 56 official ethnic groups, coded as in GB/T 3304."""

    HAN = "01", _("Han")
    MONGOL = "02", _("Mongol")
    HUI = "03", _("Hui")
    TIBETAN = "04", _("Tibetan")
    UYGHUR = "05", _("Uyghur")
    MIAO = "06", _("Miao")
    YI = "07", _("Yi")
    ZHUANG = "08", _("Zhuang")
    BOUYEI = "09", _("Bouyei")
    KOREAN = "10", _("Korean")
    MANCHU = "11", _("Manchu")
    DONG = "12", _("Dong")
    YAO = "13", _("Yao")
    BAI = "14", _("Bai")
    TUJIA = "15", _("Tujia")
    HANI = "16", _("Hani")
    KAZAKH = "17", _("Kazakh")
    DAI = "18", _("Dai")
    LI = "19", _("Li")
    LISU = "20", _("Lisu")
    VA = "21", _("Va")
    SHE = "22", _("She")
    GAOSHAN = "23", _("Gaoshan")
    LAHU = "24", _("Lahu")
    SUI = "25", _("Sui")
    DONGXIANG = "26", _("Dongxiang")
    NAXI = "27", _("Nakhi")
    JINGPO = "28", _("Jingpo")
    KYRGYZ = "29", _("Kyrgyz")
    TU = "30", _("Tu")
    DAUR = "31", _("Daur")
    MULAO = "32", _("Mulao")
    QIANG = "33", _("Qiang")
    BLANG = "34", _("Blang")
    SALAR = "35", _("Salar")
    MAONAN = "36", _("Maonan")
    GELAO = "37", _("Gelao")
    XIBE = "38", _("Xibe")
    ACHANG = "39", _("Achang")
    PUMI = "40", _("Pumi")
    TAJIK = "41", _("Tajik")
    NU = "42", _("Nu")
    UZBEK = "43", _("Uzbek")
    RUSSIAN = "44", _("Russian")
    EVENKI = "45", _("Evenki")
    DEANG = "46", _("De'ang")
    BONAN = "47", _("Bonan")
    YUGUR = "48", _("Yugur")
    GIN = "49", _("Gin")
    TATAR = "50", _("Tatar")
    DERUNG = "51", _("Derung")
    OROQEN = "52", _("Oroqen")
    HEZHEN = "53", _("Hezhen")
    MONPA = "54", _("Monpa")
    LHOBA = "55", _("Lhoba")
    JINO = "56", _("Jino")


# The ways membership ends (出党) and the transfer out of the platform's area: the member leaves
# the roll and the open membership period closes on the effective day.
ENDED = (
    MemberStatus.DIED, MemberStatus.RESIGNED, MemberStatus.LAPSED, MemberStatus.REMOVED, MemberStatus.EXPELLED,
    MemberStatus.PROBATION_CANCELLED, MemberStatus.TRANSFERRED_OUT,
)


class ReviewRating(models.TextChoices):
    """How a duty was carried out (履职评价)."""

    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class CadreStatus(models.TextChoices):
    IN_POOL = "in_pool", _("In the pool")
    APPOINTED = "appointed", _("Appointed")
    LEFT = "left", _("Left the pool")


class CadreGrade(models.TextChoices):
    """Grades of a reserve cadre's evaluation (考察评价)."""

    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASIC = "basic", _("Basically competent")
    INCOMPETENT = "incompetent", _("Not competent")


class LostContactStatus(models.TextChoices):
    """A lost-contact case: searching, then found, or handled (membership suspended, later ended)."""

    SEARCHING = "searching", _("Searching")
    SUSPENDED = "suspended", _("Membership suspended, still searching")
    FOUND = "found", _("Found")
    HANDLED = "handled", _("Handled")


class SearchMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    HOME_VISIT = "home_visit", _("Home visit")
    RELATIVES = "relatives", _("Through relatives")
    WORK_UNIT = "work_unit", _("Through the work unit")
    POLICE = "police", _("Through the police")
    PUBLIC_NOTICE = "public_notice", _("Public notice")


class StandingChangeKind(models.TextChoices):
    STATUS = "status", _("Status changed")
    PROBATION_SET = "probation_set", _("Placed on probation within the Party")
    PROBATION_CLEARED = "probation_cleared", _("Probation within the Party ended")


class ChangeChannel(models.TextChoices):
    """Which procedure made a status change: the form on the member page, a lost-contact case, a transfer."""

    MANUAL = "manual", _("Decision")
    LOST_CONTACT = "lost_contact", _("Lost-contact case")
    TRANSFER = "transfer", _("Transfer")
