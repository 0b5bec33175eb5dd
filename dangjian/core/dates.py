"""Date arithmetic in local dates."""
import datetime


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def month_start(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s month: how months (dues months, letters' paid-up-to month) are kept."""
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (or earlier, if negative); a day past the end
    of the target month becomes its last day (31 January + 1 month = 28 or 29 February)."""
    import calendar

    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def parse_month(text) -> datetime.date | None:
    """The first day of a month written ``yyyy-mm`` (years 2000 to 2100), or None if it is not one."""
    try:
        month = datetime.datetime.strptime(str(text or "").strip(), "%Y-%m").date()
    except ValueError:
        return None
    return month if 2000 <= month.year <= 2100 else None


# The first day records and statistics are asked about (the Party's founding): earlier days are refused.
FIRST_DAY = datetime.date(1921, 7, 1)


def age_on(birth: datetime.date, on: datetime.date) -> int:
    """The age in whole years on ``on`` of someone born on ``birth``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
