"""Pinyin of Chinese names, stored beside the name for search and sort (拼音检索)."""
from pypinyin import Style, lazy_pinyin


def name_pinyin(name: str) -> tuple[str, str]:
    """The full pinyin (``zhangsan``) and initials (``zs``) of a name, lower case."""
    full = "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full, initials
