"""The transfer letter (中国共产党党员组织关系介绍信) as a Word document in its three parts: the stub
kept by the sending organization (存根), the letter the member carries (介绍信) and the return
slip the receiving organization sends back (回执), divided by cut lines.

The wording is data: it comes from the rule pack (``transfers.letter``), so a locality whose
printed form differs overrides it in its own pack. The layout is GB/T 9704, through the helpers
of :mod:`dangjian.orglife.documents`. This is a plain function: the view checks access, decides
whether the ID number is shown in full and writes the audit entry.
"""
from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from dangjian.core.rules import RuleBook, ancestor_codes
from dangjian.core.spreadsheets import FILE_LANGUAGE
from dangjian.members.choices import Ethnicity, Gender, MemberStatus
from dangjian.members.models import Member
from dangjian.orglife.documents import DOCX_CONTENT_TYPE, DocumentWriter, format_date

from .models import Transfer

__all__ = ["DOCX_CONTENT_TYPE", "letter_docx", "letter_filename"]


def format_month(day) -> str:
    return f"{day.year}年{day.month}月"


def letter_values(transfer: Transfer, *, full_id: bool = False) -> dict[str, str]:
    """The placeholders of the letter's wording, in the file language."""
    member = transfer.member
    id_number = Member.objects.values_list("id_number", flat=True).get(pk=member.pk) if full_id else member.id_number_masked
    standing = MemberStatus.PROBATIONARY if member.status == MemberStatus.PROBATIONARY else MemberStatus.FULL
    months = (transfer.valid_until.year - transfer.sent_on.year) * 12 + transfer.valid_until.month - transfer.sent_on.month
    return {
        "number": transfer.letter_number,
        "name": member.name,
        "gender": str(Gender(member.gender).label),
        "age": str(member.age(transfer.sent_on)),
        "ethnicity": str(Ethnicity(member.ethnicity).label),
        "id_number": id_number,
        "standing": str(MemberStatus(standing).label),
        "from": transfer.from_label,
        "to": transfer.to_label,
        "dues": format_month(transfer.dues_paid_until),
        "validity": str(months),
        "valid_until": format_date(transfer.valid_until),
        "date": format_date(transfer.sent_on),
    }


def _right(writer: DocumentWriter, text: str):
    paragraph = writer.text(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.paragraph_format.first_line_indent = Pt(0)
    return paragraph


def _plain(writer: DocumentWriter, text: str):
    paragraph = writer.text(text)
    paragraph.paragraph_format.first_line_indent = Pt(0)
    return paragraph


def _centre(writer: DocumentWriter, text: str):
    paragraph = _plain(writer, text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def letter_filename(transfer: Transfer) -> str:
    with translation.override(FILE_LANGUAGE):
        return f"{_('Transfer letter')}-{transfer.letter_number}-{transfer.member.name}.docx"


def letter_docx(transfer: Transfer, *, full_id: bool = False) -> bytes:
    """The three-part letter of a transfer; the ID number masked unless ``full_id``."""
    organization = transfer.from_organization or transfer.to_organization
    book = RuleBook(transfer.sent_on)
    wording = book.get("transfers.letter", ancestor_codes(organization) if organization else None).value
    with translation.override(FILE_LANGUAGE):
        values = letter_values(transfer, full_id=full_id)

        def say(key: str) -> str:
            return wording[key].format_map(values)

        writer = DocumentWriter(f"{wording['title']} {transfer.letter_number}")
        # 存根: kept by the sending organization.
        writer.title(f"{wording['title']}（{wording['stub_label']}）")
        _right(writer, say("number"))
        writer.text(say("stub_body"))
        _right(writer, values["date"])
        _centre(writer, wording["cut_line"])
        # 介绍信: carried by the member to the receiving organization.
        writer.title(wording["title"])
        _right(writer, say("number"))
        _plain(writer, say("letter_salutation"))
        writer.text(say("letter_body"))
        writer.text(say("letter_validity"))
        _right(writer, values["from"])
        _right(writer, wording["seal"])
        _right(writer, values["date"])
        _centre(writer, wording["cut_line"])
        # 回执: sent back by the receiving organization.
        writer.title(f"{wording['title']}（{wording['slip_label']}）")
        _right(writer, say("number"))
        _plain(writer, say("slip_salutation"))
        writer.text(say("slip_body"))
        _right(writer, wording["seal"])
        _right(writer, wording["blank_date"])
        return writer.bytes()
