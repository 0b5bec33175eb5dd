"""Sample objects of the privacy app for the authorization matrix."""
from dangjian.privacy.services import data_request_submit


def matrix_samples(personas):
    """A correction request filed by the ``resident`` persona (seen only by administrators)."""
    return {"privacy_request": data_request_submit(actor=personas["resident"], kind="correction",
                                                   details="电话号码写错了")}
