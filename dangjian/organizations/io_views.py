"""Import of the organization tree (being written)."""
from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


import_tree = import_template = _todo
