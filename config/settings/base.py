"""Settings shared by every environment, read from environment variables.

Defaults are the safe production ones: DEBUG off, no hosts allowed, secure cookies. The
development and test modules relax what they must.
"""
import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Personal data keys. PII_KEYS: comma-separated Fernet keys, the first encrypts, all decrypt
# (rotation). PII_HASH_KEY: the key of the blind index used for look-ups.
PII_KEYS = env_list("PII_KEYS")
PII_HASH_KEY = os.environ.get("PII_HASH_KEY", "")
# BACKUP_KEY: signs the manifest of every backup (HMAC-SHA256); when empty a key derived from SECRET_KEY
# does. Keep it with the PII keys, never with the backups (docs/backups.md).
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")
# PII_CIPHER: "fernet" (default) or "sm4" (国密 SM4-CBC + HMAC-SM3, keys PII_SM4_KEYS: comma-separated,
# 64 hex characters each, the first encrypts). See docs/personal-data.md.
PII_CIPHER = os.environ.get("PII_CIPHER", "fernet").strip().lower() or "fernet"
PII_SM4_KEYS = env_list("PII_SM4_KEYS")
# Audit entries and finished task results older than this are pruned by manage.py prune_audit_log
# (never fewer than 180 days).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "365"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    # Sign-in security (docs/accounts-security.md); axes before accounts, whose audit receivers read its verdict.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "dangjian.core",
    "dangjian.accounts",
    "dangjian.organizations",
    "dangjian.members",
    "dangjian.notices",
    "dangjian.orglife",
    "dangjian.recruitment",
    "dangjian.care",
    "dangjian.dues",
    "dangjian.transfers",
    "dangjian.grid",
    "dangjian.volunteers",
    "dangjian.wishes",
    "dangjian.pairings",
    "dangjian.centres",
    "dangjian.cobuilding",
    "dangjian.assessment",
    "dangjian.coverage",
    "dangjian.reports",
    "dangjian.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.core.watermark.WatermarkMiddleware",  # stamps xlsx/docx downloads with who and when
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangjian.accounts.middleware.SessionIdleMiddleware",
    "dangjian.accounts.middleware.SignInRequirementsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "dangjian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dangjian.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # A persistent connection broken by a database restart is noticed and replaced at the start
        # of the next request instead of failing it.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server write without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs seconds on the large grouped counts of the statistics pages and saves
    # nothing on this workload (measured in docs/benchmarks.md, "Grid at city scale"). A DATABASE_URL
    # that sets its own ``options`` keeps them.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface is Chinese whatever the browser's language (many office PCs run English
# Windows); the English source strings stay translatable for other catalogues.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "dangjian" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy from the start: no inline scripts or styles, nothing
# from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "基层党建工作平台 API",
    "DESCRIPTION": "Organizations and members of the grassroots Party-building platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Both models have a "status" field with different choices: name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "OrgStatusEnum": "dangjian.organizations.choices.OrgStatus",
        "MemberStatusEnum": "dangjian.members.choices.MemberStatus",
        "ReserveCadreStatusEnum": "dangjian.members.choices.CadreStatus",
        "LostContactStatusEnum": "dangjian.members.choices.LostContactStatus",
        "DuesBasisEnum": "dangjian.dues.choices.DuesBasis",
        "PaymentMethodEnum": "dangjian.dues.choices.PaymentMethod",
        "MeetingStatusEnum": "dangjian.orglife.choices.MeetingStatus",
        "AttendanceStatusEnum": "dangjian.orglife.choices.AttendanceStatus",
        "RecordedAttendanceStatusEnum": "dangjian.orglife.api.serializers.RECORDED_ATTENDANCE",
        "ComplianceStatusEnum": "dangjian.orglife.api.serializers.COMPLIANCE_STATUSES",
        "HardshipCaseStatusEnum": "dangjian.care.choices.CaseStatus",
        "RequestStatusEnum": "dangjian.grid.choices.RequestStatus",
        "RequestActionEnum": "dangjian.grid.choices.RequestAction",
        "RequestUrgencyEnum": "dangjian.grid.choices.Urgency",
        "RequestChannelEnum": "dangjian.grid.choices.Channel",
        "SupportKindEnum": "dangjian.care.choices.SupportKind",
        "ApplicantStatusEnum": "dangjian.recruitment.choices.ApplicantStatus",
        "RecruitmentStepStatusEnum": "dangjian.recruitment.api.serializers.STEP_STATUSES",
        "TransferStatusEnum": "dangjian.transfers.choices.TransferStatus",
        "TransferKindEnum": "dangjian.transfers.choices.TransferKind",
        "MeetingKindEnum": "dangjian.orglife.choices.MeetingKind",
        "TransferSendKindEnum": "dangjian.transfers.api.serializers.SEND_KINDS",
        "VolunteerTeamKindEnum": "dangjian.volunteers.choices.TeamKind",
        "VolunteerActivityStatusEnum": "dangjian.volunteers.choices.ActivityStatus",
        "VolunteerSignUpStatusEnum": "dangjian.volunteers.choices.SignUpStatus",
        "WishStatusEnum": "dangjian.wishes.choices.WishStatus",
        "WishCategoryEnum": "dangjian.wishes.choices.WishCategory",
        "MemberCategoryEnum": "dangjian.members.choices.Category",
        "PairingStatusEnum": "dangjian.pairings.choices.PairingStatus",
        "PairingHelpKindEnum": "dangjian.pairings.choices.HelpKind",
        "ServiceCentreKindEnum": "dangjian.centres.choices.CentreKind",
        "CentreBookingStatusEnum": "dangjian.centres.choices.BookingStatus",
        "PartnerUnitKindEnum": "dangjian.cobuilding.choices.UnitKind",
        "ResourceKindEnum": "dangjian.cobuilding.choices.ResourceKind",
        "ResourceBookingStatusEnum": "dangjian.cobuilding.choices.BookingStatus",
        "AssessmentSchemeKindEnum": "dangjian.assessment.choices.SchemeKind",  # assessment app: schemes
        "AssessmentSchemeStatusEnum": "dangjian.assessment.choices.SchemeStatus",
        "AssessmentEvidenceKindEnum": "dangjian.assessment.choices.EvidenceKind",
        "AssessmentPerformerEnum": "dangjian.assessment.choices.Performer",
        "AssessmentStatusEnum": "dangjian.assessment.choices.AssessmentStatus",  # assessment app
        "AssessmentMovementEnum": "dangjian.assessment.choices.Movement",  # assessment app
        "RectificationStatusEnum": "dangjian.assessment.choices.RectificationStatus",  # assessment app
        "SurveyPurposeEnum": "dangjian.assessment.choices.SurveyPurpose",  # assessment app: surveys
        "SurveyAudienceEnum": "dangjian.assessment.choices.SurveyAudience",
        "SurveyAccessEnum": "dangjian.assessment.choices.SurveyAccess",
        "SurveyStatusEnum": "dangjian.assessment.choices.SurveyStatus",
        "SurveyQuestionKindEnum": "dangjian.assessment.choices.QuestionKind",
        "FirmKindEnum": "dangjian.coverage.choices.FirmKind",  # coverage app: firms
        "FirmIndustryEnum": "dangjian.coverage.choices.Industry",
        "FirmSizeEnum": "dangjian.coverage.choices.FirmSize",
        "FirmStatusEnum": "dangjian.coverage.choices.FirmStatus",
        "CoverageEnum": "dangjian.coverage.choices.Coverage",
        "CoverageAdmissionStatusEnum": "dangjian.coverage.choices.AdmissionStatus",  # coverage app: admission
        "CoverageReviewOutcomeEnum": "dangjian.coverage.choices.ReviewOutcome",
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Logs go to standard error (journald under systemd). LOG_FORMAT=json writes one JSON object per
# line (time, level, logger, message, and the exception) for a log collector; "text" is for people.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                 "json_ensure_ascii": False},
    },
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "text"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Exports at most this many rows are written at once; larger ones go to the worker.
EXPORT_INLINE_LIMIT = int(os.environ.get("EXPORT_INLINE_LIMIT", "2000"))

# Open311 GeoReport v2 (/open311/v2/, see docs/open311.md): the jurisdiction answered for, and
# how many calls one address (or, for filing, one API key) may make per minute.
OPEN311_JURISDICTION_ID = os.environ.get("OPEN311_JURISDICTION_ID", "linjiang.gov.cn")
OPEN311_RATE = {"post": os.environ.get("OPEN311_RATE_POST", "60/min"), "get": os.environ.get("OPEN311_RATE_GET", "600/min")}
# Rate limits of residents' form posts (per user) and public pages (per user or address), see
# dangjian/core/ratelimit.py; "0/min" switches one off.
RATE_LIMITS = {"resident_post": os.environ.get("RATE_RESIDENT_POST", "10/min"),
               "public_page": os.environ.get("RATE_PUBLIC_PAGE", "60/min")}

# Caches: the default one for counters and small values; "stats" holds computed statistics (dashboards, the 大屏,
# the stats API), shared by every process of one machine through files under var/; a site with
# several app servers points it at Redis (docs/deployment.md). Entries are dropped when records
# change (dangjian.reports.cache) and expire after STATS_CACHE_SECONDS in any case.
CACHES = {
    # Shared by every process of the machine (gunicorn workers, the worker), so that rate limits and
    # throttles count each caller once, not once per process; several app servers use Redis.
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "default"),
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
    "stats": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "stats"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
STATS_CACHE_SECONDS = int(os.environ.get("DANGJIAN_STATS_CACHE_SECONDS", "600"))

# Sign-in security (docs/accounts-security.md). Lockout: a user name tried from one address is
# locked after LOGIN_FAILURE_LIMIT failures for LOGIN_LOCKOUT_MINUTES (django-axes; the lockout
# backend comes first). LOGIN_TRUSTED_PROXY_COUNT: reverse proxies in front of the app whose
# X-Forwarded-For is trusted (1 behind one nginx), so the address is the client's, not nginx's.
AUTHENTICATION_BACKENDS = [
    "dangjian.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30"))
LOGIN_TRUSTED_PROXY_COUNT = int(os.environ.get("LOGIN_TRUSTED_PROXY_COUNT", "0"))
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "dangjian.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "dangjian.core.clients.client_ip"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login (the audit log has them); failures stay in AccessAttempt
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # not a line per login; lockouts still show
# Passwords: the complexity rule besides Django's; PASSWORD_MAX_AGE_DAYS > 0 sends a user whose
# password is older to the change page after login until they change it (0 = off).
AUTH_PASSWORD_VALIDATORS += [{"NAME": "dangjian.accounts.validators.ComplexityValidator"}]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "0"))
# Sessions end after SESSION_IDLE_MINUTES without a request, and SESSION_COOKIE_AGE after login in any case.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
# Second factor (TOTP). OTP_REQUIRED_ROLES: role codes (dangjian.core.access.Role) whose holders must
# set up and use it, e.g. "admin,organizer,secretary,auditor" in production; empty = nobody is forced.
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES")
OTP_REQUIRED_FOR_ADMINS = env_bool("OTP_REQUIRED_FOR_ADMINS", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "基层党建工作平台")
# Single sign-on through OpenID Connect, on only when every SSO_OIDC_* endpoint and the client are set.
SSO_OIDC_ENABLED = all(os.environ.get(f"SSO_OIDC_{name}") for name in (
    "AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT", "USER_ENDPOINT", "JWKS_ENDPOINT", "CLIENT_ID", "CLIENT_SECRET"))
if SSO_OIDC_ENABLED:
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ["SSO_OIDC_AUTHORIZATION_ENDPOINT"]
    OIDC_OP_TOKEN_ENDPOINT = os.environ["SSO_OIDC_TOKEN_ENDPOINT"]
    OIDC_OP_USER_ENDPOINT = os.environ["SSO_OIDC_USER_ENDPOINT"]
    OIDC_OP_JWKS_ENDPOINT = os.environ["SSO_OIDC_JWKS_ENDPOINT"]
    OIDC_RP_CLIENT_ID = os.environ["SSO_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ["SSO_OIDC_CLIENT_SECRET"]
    OIDC_RP_SIGN_ALGO = os.environ.get("SSO_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = os.environ.get("SSO_OIDC_SCOPES", "openid profile")
    OIDC_CREATE_USER = False
    # Binding a first sign-on to a local user by name is off unless SSO_OIDC_MATCH_USERNAME=true (then by
    # SSO_OIDC_USERNAME_CLAIM; never superusers or holders of OTP_REQUIRED_ROLES); else only sso_subject links.
    SSO_OIDC_MATCH_USERNAME = env_bool("SSO_OIDC_MATCH_USERNAME", False)
    SSO_OIDC_USERNAME_CLAIM = os.environ.get("SSO_OIDC_USERNAME_CLAIM", "preferred_username")
    LOGIN_REDIRECT_URL_FAILURE = "/sso/refused/"
    AUTHENTICATION_BACKENDS += ["dangjian.accounts.sso.OIDCBackend"]
