"""Import and export pages of the roster (being written)."""
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


import_members = import_template = export = export_list = export_download = _todo
