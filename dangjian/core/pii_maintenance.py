"""Key maintenance of the protected personal data: re-encryption under the newest key (or another
cipher suite) and recomputation of the blind indexes.

Both walk every table found through the app registry (:func:`dangjian.core.pii.encrypted_fields`),
in primary-key order, one transaction per batch, so an interrupted run is simply run again: values
already under the first key of the configured suite are left as they are.
"""
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models.functions import Cast

from . import pii


@dataclass
class TableCount:
    """What one run found (and did) in one table."""

    label: str
    values: int = 0
    stale: int = 0
    rewritten: int = 0
    per_field: dict = field(default_factory=dict)


def _raw_batches(model, names: list[str], batch: int):
    """(pk, {field: stored token}) in pk order, ``batch`` rows at a time, without decrypting."""
    raw = {f"_raw_{n}": Cast(n, output_field=models.TextField()) for n in names}
    last = None
    while True:
        rows = model._base_manager.order_by("pk").annotate(**raw)
        if last is not None:
            rows = rows.filter(pk__gt=last)
        chunk = list(rows.values_list("pk", *raw)[:batch])
        if not chunk:
            return
        yield [(row[0], dict(zip(names, row[1:], strict=True))) for row in chunk]
        last = chunk[-1][0]


def rotate_keys(*, batch: int = 1000, dry_run: bool = False, only_check: bool = False) -> list[TableCount]:
    """Re-encrypt every stored value that is not under the configured suite's first key.

    With ``dry_run`` or ``only_check`` nothing is written; the counts say what would be.
    """
    results = []
    for model, fields in pii.encrypted_fields():
        names = [f.name for f in fields]
        count = TableCount(model._meta.db_table, per_field={n: 0 for n in names})
        for rows in _raw_batches(model, names, batch):
            stale = []
            for pk, tokens in rows:
                old = [n for n, token in tokens.items() if token not in (None, "") and not pii.is_current(token)]
                count.values += sum(1 for token in tokens.values() if token not in (None, ""))
                if old:
                    for n in old:
                        count.per_field[n] += 1
                    count.stale += len(old)
                    stale.append((pk, tokens, old))
            if stale and not (dry_run or only_check):
                _rewrite(model, stale)
                count.rewritten += sum(len(old) for _pk, _tokens, old in stale)
        results.append(count)
    return results


def _rewrite(model, stale):
    """Write one batch: each stale value decrypted and saved again (the field encrypts it anew).

    The rows are locked and read again first; a value changed meanwhile (a user's edit, already
    under the new key) is left alone, so no edit is overwritten with the older value.
    """
    names = sorted({n for _pk, _tokens, old in stale for n in old})
    raw = {f"_raw_{n}": Cast(n, output_field=models.TextField()) for n in names}
    with transaction.atomic():
        now = {row[0]: dict(zip(names, row[1:], strict=True)) for row in model._base_manager.select_for_update()
               .filter(pk__in=[pk for pk, _tokens, _old in stale]).annotate(**raw).values_list("pk", *raw)}
        by_fields: dict[tuple, list] = {}
        for pk, tokens, old in stale:
            unchanged = tuple(n for n in old if pk in now and now[pk][n] == tokens[n])
            if not unchanged:
                continue
            obj = model(pk=pk)
            for n in unchanged:
                setattr(obj, n, pii.decrypt(tokens[n]))
            by_fields.setdefault(unchanged, []).append(obj)
        for fields, objs in by_fields.items():
            model._base_manager.bulk_update(objs, list(fields), batch_size=500)


def blind_index_pairs():
    """(model, [(encrypted field, hash field, kind)]) for every model with a blind index."""
    found = []
    for model, fields in pii.encrypted_fields():
        pairs = []
        for f in fields:
            hash_name, kind = pii.BLIND_INDEXES.get(f.name, (None, None))
            if hash_name and any(h.name == hash_name for h in model._meta.local_concrete_fields):
                pairs.append((f.name, hash_name, kind))
        if pairs:
            found.append((model, pairs))
    return found


def _fresh_indexes(obj, pairs, count: TableCount | None = None) -> list[str]:
    """Set ``obj``'s blind indexes from its decrypted values; the names of those that changed."""
    changed = []
    for name, hash_name, kind in pairs:
        value = getattr(obj, name) or ""
        if not value:
            continue
        if count is not None:
            count.values += 1
        fresh = pii.blind_index(kind, value)
        if getattr(obj, hash_name) != fresh:
            setattr(obj, hash_name, fresh)
            changed.append(hash_name)
    return changed


def _rows(model, pairs):
    return model._base_manager.order_by("pk").only("pk", *[n for n, _h, _k in pairs], *[h for _n, h, _k in pairs])


def reindex(*, batch: int = 1000, only_check: bool = False) -> list[TableCount]:
    """Recompute every blind index from the decrypted value (after a new ``PII_HASH_KEY`` or a
    change of ``PII_CIPHER``); rows whose indexes are right already are not written.

    Each batch's stale rows are locked and read again before they are written (as in key rotation):
    a value edited meanwhile gets the index of its new value, never that of the value read first.
    """
    results = []
    for model, pairs in blind_index_pairs():
        count = TableCount(model._meta.db_table, per_field={h: 0 for _n, h, _k in pairs})
        last = None
        while True:
            rows = _rows(model, pairs)
            if last is not None:
                rows = rows.filter(pk__gt=last)
            chunk = list(rows[:batch])
            if not chunk:
                break
            last = chunk[-1].pk
            stale = []
            for obj in chunk:
                changed = _fresh_indexes(obj, pairs, count)
                for hash_name in changed:
                    count.per_field[hash_name] += 1
                count.stale += len(changed)
                if changed:
                    stale.append(obj.pk)
            if stale and not only_check:
                count.rewritten += _reindex_locked(model, pairs, stale)
        results.append(count)
    return results


def _reindex_locked(model, pairs, pks) -> int:
    """Lock the rows, read them again and write the indexes that are still stale; how many rows."""
    with transaction.atomic():
        changed: dict[str, list] = {}
        for obj in _rows(model, pairs).select_for_update().filter(pk__in=pks):
            for hash_name in _fresh_indexes(obj, pairs):
                changed.setdefault(hash_name, []).append(obj)
        for hash_name, objs in changed.items():
            model._base_manager.bulk_update(objs, [hash_name], batch_size=500)
    return len({obj.pk for objs in changed.values() for obj in objs})
